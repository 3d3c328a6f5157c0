# catches: the lock dropped between the items of a batch (taken once per item)
# fails: test_reader_never_sees_a_partial_batch
"""add_many() takes the lock for each item, not around the whole batch."""

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
            with self._lock:
                self._value += n

    def snapshot(self):
        with self._lock:
            return self._value
