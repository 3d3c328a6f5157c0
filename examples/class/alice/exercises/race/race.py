"""Correct: an RLock and one private helper that both public methods use;
value read without the lock (reading one int attribute is a single step)."""

import threading


class Counter:
    def __init__(self):
        self.__count = 0
        self.__guard = threading.RLock()

    def _add(self, delta):
        with self.__guard:
            current = self.__count
            current = current + delta
            self.__count = current

    def increment(self, n=1):
        self._add(n)

    def decrement(self, n=1):
        self._add(-n)

    @property
    def value(self):
        return self.__count

    def __repr__(self):
        return f"Counter({self.__count})"
