"""The read and the addition happen outside the lock; only the store is
protected, so two threads can still compute from the same stale value."""

import threading


class Counter:
    def __init__(self):
        self._value = 0
        self._lock = threading.Lock()

    def increment(self, n=1):
        new = self._value + n
        with self._lock:
            self._value = new

    def decrement(self, n=1):
        new = self._value - n
        with self._lock:
            self._value = new

    @property
    def value(self):
        with self._lock:
            return self._value
