# catches: a plain `Semaphore` (capacity grows on a stray release)
# fails: test_stray_release_raises_value_error, test_capacity_unchanged_after_stray_release, test_acquire_and_release
import functools
import threading


class ConcurrencyLimiter:
    """Right in every way but one: a stray release() adds a slot."""

    def __init__(self, n):
        self.n = n
        self._slots = threading.Semaphore(n)

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
            with self:
                return fn(*args, **kwargs)

        return limited
