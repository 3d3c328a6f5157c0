"""add_many() sums the batch first and applies it with one add() (atomic
without holding the lock across items); explicit acquire/release on an RLock."""

from threading import RLock


class SafeCounter:
    def __init__(self):
        self.count = 0
        self.mutex = RLock()

    def add(self, n):
        self.mutex.acquire()
        try:
            self.count = self.count + n
        finally:
            self.mutex.release()

    def incr(self):
        self.mutex.acquire()
        try:
            self.add(1)
        finally:
            self.mutex.release()

    def decr(self):
        self.mutex.acquire()
        try:
            self.add(-1)
        finally:
            self.mutex.release()

    def add_many(self, values):
        total = 0
        for v in list(values):
            total += v
        self.add(total)

    def snapshot(self):
        return self.count
