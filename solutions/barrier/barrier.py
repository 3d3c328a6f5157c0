"""Events as a barrier: workers start only once initialisation is done.

One Event per call of ``start_workers``: the init thread sets it after
``init()`` has returned; every worker waits on it before calling ``work(i)``.
An Event stays set, so a worker that arrives after ``set()`` does not wait at
all (a Condition's notify would be lost for it).
"""

import threading


def start_workers(n, init, work):
    """Run ``init()`` once in its own thread and start ``n`` worker threads that
    each wait until ``init()`` has returned, then call ``work(i)``.

    Returns the ``n`` started worker threads at once (``init`` may still be
    running). If ``init()`` raises, the workers end without calling ``work``.
    """
    ready = threading.Event()
    succeeded = []

    def initialise():
        try:
            init()
            succeeded.append(True)
        finally:
            ready.set()  # also on failure, so that no worker waits forever

    def worker(i):
        ready.wait()
        if succeeded:
            work(i)

    threading.Thread(target=initialise, name="init").start()
    workers = [threading.Thread(target=worker, args=(i,), name=f"worker-{i}")
               for i in range(n)]
    for t in workers:
        t.start()
    return workers
