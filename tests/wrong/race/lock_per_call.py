# catches: a lock created inside each call
# fails: test_increments_from_many_threads, test_decrements_from_many_threads, test_mixed_increments_and_decrements, test_increments_of_different_sizes, test_no_lost_updates_with_forced_switches
"""Looks locked, but every call makes its own brand-new lock: no other thread
ever waits for it, so it protects nothing."""

import threading


class Counter:
    def __init__(self):
        self._value = 0

    def increment(self, n=1):
        with threading.Lock():
            self._value += n

    def decrement(self, n=1):
        with threading.Lock():
            self._value -= n

    @property
    def value(self):
        return self._value
