# catches: (extra) the batch holds the lock, but snapshot() reads without it
# fails: test_reader_never_sees_a_partial_batch, test_batch_is_atomic_at_every_item
"""add_many() holds the lock for the whole batch, but snapshot() does not take
it, so a reader does not wait for the batch to end."""

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
        with self._lock:
            for n in values:
                self.add(n)

    def snapshot(self):
        return self._value
