"""Workers join the init thread: a thread's end is an event too."""

import threading


def start_workers(n, init, work):
    init_thread = threading.Thread(target=init)

    def worker(i):
        init_thread.join()
        work(i)

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    init_thread.start()
    for t in workers:
        t.start()
    return workers
