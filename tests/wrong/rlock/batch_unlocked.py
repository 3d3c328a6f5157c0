# catches: the lock dropped between the items of a batch
# fails: test_reader_never_sees_a_partial_batch, test_batch_is_atomic_at_every_item
"""add_many() calls add() for each item without holding the lock around the
loop: each item is locked, but between two items the lock is free and a reader
sees half a batch."""

import threading


class SafeCounter:
    def __init__(self):
        self._value = 0
        self._lock = threading.RLock()

    def add(self, n):
        with self._lock:
            self._value += n

    def incr(self):
        with self._lock:
            self.add(1)

    def decr(self):
        with self._lock:
            self.add(-1)

    def add_many(self, values):
        for n in values:
            self.add(n)

    def snapshot(self):
        with self._lock:
            return self._value
