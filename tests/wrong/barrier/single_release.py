# catches: a single semaphore release (one worker runs)
# fails: test_all_workers_run_after_init, test_every_worker_runs
"""One release() lets one acquire() through: the other workers wait forever."""

import threading


def start_workers(n, init, work):
    go = threading.Semaphore(0)

    def initialise():
        init()
        go.release()

    def worker(i):
        go.acquire()
        work(i)

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in workers:
        t.start()
    threading.Thread(target=initialise).start()
    return workers
