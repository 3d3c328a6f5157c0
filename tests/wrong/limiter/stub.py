# catches: the stub itself
# fails: test_with_block_twice, test_decorator_returns_value, test_two_inside_at_once, test_stray_release_raises_value_error, test_n_callers_inside_at_once, test_extra_caller_waits_until_one_leaves, test_slot_freed_when_body_raises, test_capacity_unchanged_after_stray_release, test_acquire_and_release, test_decorator_keeps_return_value_and_arguments, test_decorator_keeps_exceptions, test_with_and_decorator_share_slots, test_many_threads_never_more_than_n, test_waiting_caller_does_not_busy_wait
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
