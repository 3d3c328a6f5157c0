# catches: a lock around `increment` but not `decrement`
# fails: test_decrements_from_many_threads, test_mixed_increments_and_decrements
"""increment is fixed, decrement was forgotten: decrements still race with
each other and with increments."""

import threading


class Counter:
    def __init__(self):
        self._value = 0
        self._lock = threading.Lock()

    def increment(self, n=1):
        with self._lock:
            self._value += n

    def decrement(self, n=1):
        self._value -= n

    @property
    def value(self):
        return self._value
