"""A Semaphore used as a turnstile: each worker that gets through lets the next one in."""

from threading import Semaphore, Thread


class _Gate:
    def __init__(self):
        self.sem = Semaphore(0)

    def open(self):
        self.sem.release()

    def pass_through(self):
        self.sem.acquire()
        self.sem.release()


def start_workers(n, init, work):
    gate = _Gate()

    def run_init():
        init()
        gate.open()

    def run_worker(i):
        gate.pass_through()
        print(f"worker {i} passed the gate")
        work(i)

    Thread(target=run_init).start()
    threads = []
    for i in range(n):
        t = Thread(target=run_worker, args=(i,))
        t.start()
        threads.append(t)
    return threads
