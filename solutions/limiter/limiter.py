"""Bounded semaphores: limit how many threads run a piece of code at once."""

import functools
import threading


class ConcurrencyLimiter:
    """At most ``n`` callers inside at once; use as ``with limiter:`` or ``@limiter``."""

    def __init__(self, n):
        if n < 1:
            raise ValueError(f"a limiter needs at least one slot, got n={n}")
        self.n = n
        self._slots = threading.BoundedSemaphore(n)

    def acquire(self, timeout=None):
        """Take a slot, waiting while all are taken. Return True, or False if
        none came free within ``timeout`` seconds (``None``: wait as long as it takes)."""
        return self._slots.acquire(timeout=timeout)

    def release(self):
        """Give a slot back. Raise ValueError if there are more releases than acquires."""
        self._slots.release()  # BoundedSemaphore raises ValueError past its start value

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.release()  # on every way out; returns None, so exceptions go on

    def __call__(self, fn):
        """``@limiter``: return a wrapper that runs ``fn`` holding a slot."""

        @functools.wraps(fn)
        def limited(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return limited
