# catches: a `Lock` (peak 1)
# fails: test_n_callers_inside_at_once, test_extra_caller_waits_until_one_leaves, test_two_inside_at_once, test_with_and_decorator_share_slots
import functools
import threading


class ConcurrencyLimiter:
    """A Lock is a semaphore with one slot: n is ignored."""

    def __init__(self, n):
        self.n = n
        self._lock = threading.Lock()

    def acquire(self, timeout=None):
        return self._lock.acquire(timeout=-1 if timeout is None else timeout)

    def release(self):
        try:
            self._lock.release()
        except RuntimeError:
            raise ValueError("released more than acquired") from None

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
