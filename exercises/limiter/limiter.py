"""Bounded semaphores: limit how many threads run a piece of code at once.

Write ConcurrencyLimiter on threading.BoundedSemaphore (see README.md), then
check your work with `grader check limiter`.
"""

import functools  # noqa: F401 - you will need it
import threading  # noqa: F401 - you will need it


class ConcurrencyLimiter:
    """At most ``n`` callers inside at once; use as ``with limiter:`` or ``@limiter``."""

    def __init__(self, n):
        self.n = n
        # TODO: the slots.

    def acquire(self, timeout=None):
        """Take a slot, waiting while all are taken. Return True, or False if
        none came free within ``timeout`` seconds (``None``: wait as long as it takes)."""
        raise NotImplementedError("ConcurrencyLimiter.acquire")

    def release(self):
        """Give a slot back. Raise ValueError if there are more releases than acquires."""
        raise NotImplementedError("ConcurrencyLimiter.release")

    def __enter__(self):
        raise NotImplementedError("ConcurrencyLimiter.__enter__")

    def __exit__(self, exc_type, exc, tb):
        raise NotImplementedError("ConcurrencyLimiter.__exit__")

    def __call__(self, fn):
        """``@limiter``: return a wrapper that runs ``fn`` holding a slot."""
        raise NotImplementedError("ConcurrencyLimiter.__call__")
