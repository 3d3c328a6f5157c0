# A correct limiter on a Condition and a count of free slots, as a context-manager decorator.
import contextlib
import threading
import time


class ConcurrencyLimiter(contextlib.ContextDecorator):
    def __init__(self, n):
        self.n = n
        self.free = n
        self.cond = threading.Condition()

    def acquire(self, timeout=None):
        end = None if timeout is None else time.monotonic() + timeout
        with self.cond:
            while self.free == 0:
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self.cond.wait(left)
            self.free -= 1
            return True

    def release(self):
        with self.cond:
            if self.free >= self.n:
                raise ValueError("release() called more often than acquire()")
            self.free += 1
            self.cond.notify()

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()
        return False
