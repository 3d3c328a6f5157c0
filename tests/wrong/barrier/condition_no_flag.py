# catches: a `Condition` notified before late workers wait (they hang)
# fails: test_late_workers_still_run
"""notify_all() with no flag: a worker that reaches wait() after it waits forever."""

import threading


def start_workers(n, init, work):
    cond = threading.Condition()

    def initialise():
        init()
        with cond:
            cond.notify_all()

    def worker(i):
        with cond:
            cond.wait()
        work(i)

    threading.Thread(target=initialise).start()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in workers:
        t.start()
    return workers
