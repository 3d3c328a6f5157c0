# A correct Mailbox on a Semaphore with a plain list (append and pop(0) are atomic), no lock.
import threading


class Mailbox:
    def __init__(self):
        self.queue = []
        self.count = threading.Semaphore(0)

    def post(self, item):
        self.queue.append(item)
        self.count.release()

    def wait(self, timeout=None):
        got = self.count.acquire(True, timeout)
        if not got:
            raise TimeoutError
        return self.queue.pop(0)
