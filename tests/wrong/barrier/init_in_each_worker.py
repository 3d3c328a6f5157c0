# catches: `init` run by the workers (once per worker), not once in its own thread
# fails: test_init_runs_once_in_its_own_thread
"""Every worker initialises before working."""

import threading


def start_workers(n, init, work):
    def worker(i):
        init()
        work(i)

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in workers:
        t.start()
    return workers
