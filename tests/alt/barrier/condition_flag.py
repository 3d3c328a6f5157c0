"""A Condition with a flag: late workers see the flag and never wait."""

import threading


def start_workers(n, init, work):
    cond = threading.Condition()
    state = {"ready": False}

    def initialise():
        init()
        with cond:
            state["ready"] = True
            cond.notify_all()

    def worker(i):
        with cond:
            while not state["ready"]:
                cond.wait()
        work(i)

    workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(n)]
    for t in workers:
        t.start()
    threading.Thread(target=initialise, daemon=True).start()
    return workers
