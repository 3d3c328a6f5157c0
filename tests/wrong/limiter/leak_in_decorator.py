# catches: a slot not freed when the body raises
# fails: test_slot_freed_when_body_raises, test_decorator_keeps_exceptions
import functools
import threading


class ConcurrencyLimiter:
    """The decorator releases only when the function returns normally."""

    def __init__(self, n):
        self.n = n
        self._slots = threading.BoundedSemaphore(n)

    def acquire(self, timeout=None):
        return self._slots.acquire(timeout=timeout)

    def release(self):
        self._slots.release()

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.release()

    def __call__(self, fn):
        @functools.wraps(fn)
        def limited(*args, **kwargs):
            self.acquire()
            result = fn(*args, **kwargs)
            self.release()
            return result

        return limited
