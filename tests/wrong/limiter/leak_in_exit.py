# catches: a slot not freed when the body raises
# fails: test_slot_freed_when_body_raises, test_decorator_keeps_exceptions
import functools
import threading


class ConcurrencyLimiter:
    """__exit__ gives the slot back only when the body succeeded."""

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
        if exc_type is not None:
            return False  # let the exception through... and forget the slot
        self.release()
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def limited(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return limited
