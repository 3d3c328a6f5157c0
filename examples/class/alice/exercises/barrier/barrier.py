"""threading.Barrier(n + 1): the init thread arrives at it after init()."""

import threading as th


def start_workers(n, init, work):
    gate = th.Barrier(n + 1)

    def initialise():
        init()
        gate.wait()

    def worker(i):
        gate.wait()
        work(i)

    started = []
    for i in range(n):
        t = th.Thread(target=worker, args=(i,))
        t.start()
        started.append(t)
    th.Thread(target=initialise).start()
    return started
