# catches: `work` entered before `init` finishes (an Event shared by all calls stays set)
# fails: test_each_call_waits_for_its_own_init
"""Beazley's global Event, kept across calls: the second call's workers do not wait."""

import threading

ready = threading.Event()


def start_workers(n, init, work):
    def initialise():
        init()
        ready.set()

    def worker(i):
        ready.wait()
        work(i)

    threading.Thread(target=initialise).start()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in workers:
        t.start()
    return workers
