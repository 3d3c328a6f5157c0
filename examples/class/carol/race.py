"""Correct: a Condition used as the lock, explicit acquire/release with
try/finally, and a debug print guarded by a flag."""

from threading import Condition

DEBUG = False


class Counter:
    __slots__ = ("_n", "_cond")

    def __init__(self):
        self._n = 0
        self._cond = Condition()

    def increment(self, n=1):
        self._cond.acquire()
        try:
            old = self._n
            self._n = old + n
            if DEBUG:
                print(f"increment {old} -> {self._n}")
        finally:
            self._cond.release()

    def decrement(self, n=1):
        self._cond.acquire()
        try:
            self._n -= n
        finally:
            self._cond.release()

    @property
    def value(self):
        with self._cond:
            return self._n
