"""A Condition (which owns an RLock by default) used as the reentrant lock;
add_many() applies the items directly under it, with a private helper."""

import threading


class SafeCounter:
    def __init__(self):
        self._total = 0
        self._cond = threading.Condition()

    def _apply(self, n):
        self._total += n

    def add(self, n):
        with self._cond:
            self._apply(n)

    def incr(self):
        with self._cond:
            self.add(1)

    def decr(self):
        with self._cond:
            self.add(-1)

    def add_many(self, values):
        with self._cond:
            for n in values:
                self._apply(n)

    def snapshot(self):
        with self._cond:
            return self._total
