# catches: a plain `Lock` (self-deadlock, to be reported as such)
# fails: test_incr_returns, test_decr_returns, test_add_many_returns
"""The reference with threading.Lock instead of RLock: incr() holds the lock
and calls add(), which blocks on the lock its own thread holds."""

import threading


class SafeCounter:
    def __init__(self):
        self._value = 0
        self._lock = threading.Lock()

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
        with self._lock:
            return self._value
