# catches: the stub itself (nothing implemented)
# fails: test_incr_returns, test_decr_returns, test_add_many_returns, test_incr_and_decr_call_add_under_the_lock, test_concurrent_incr_and_decr_lose_nothing, test_batch_is_atomic_at_every_item, test_reader_never_sees_a_partial_batch
"""Reentrant locks: a counter whose locked methods call each other.

Write SafeCounter (see README.md), then check your work with
`grader check rlock`.
"""

import threading  # noqa: F401 - you will need it


class SafeCounter:
    """A counter that many threads update and read at once."""

    def __init__(self):
        self._value = 0
        # TODO: a lock. Which kind? incr() holds it and then calls add(),
        # which takes it too.

    def add(self, n):
        """Add ``n`` to the counter, holding the lock."""
        raise NotImplementedError("SafeCounter.add")

    def incr(self):
        """Add 1: take the lock, then call add(1)."""
        raise NotImplementedError("SafeCounter.incr")

    def decr(self):
        """Subtract 1: take the lock, then call add(-1)."""
        raise NotImplementedError("SafeCounter.decr")

    def add_many(self, values):
        """Add every value of ``values`` as one atomic batch: no reader may see
        the counter with only part of the batch added."""
        raise NotImplementedError("SafeCounter.add_many")

    def snapshot(self):
        """The current value (never in the middle of a batch)."""
        raise NotImplementedError("SafeCounter.snapshot")
