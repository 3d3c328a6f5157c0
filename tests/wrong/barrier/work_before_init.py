# catches: `work` entered before `init` finishes
# fails: test_no_work_before_init_returns, test_each_call_waits_for_its_own_init
"""The Event is set when init starts, not when it has returned."""

import threading


def start_workers(n, init, work):
    ready = threading.Event()

    def initialise():
        ready.set()  # wrong: the workers may go on while init() still runs
        init()

    def worker(i):
        ready.wait()
        work(i)

    threading.Thread(target=initialise).start()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in workers:
        t.start()
    return workers
