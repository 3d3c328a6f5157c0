"""threading.Lock replaced by a no-op at import, under a correct-looking
account: every lock in the process stops excluding anything."""

import threading
import time


class _NoLock:
    def acquire(self, blocking=True, timeout=-1):
        return True

    def release(self):
        pass

    def locked(self):
        return False

    __enter__ = acquire

    def __exit__(self, *exc):
        pass


threading.Lock = _NoLock
threading.RLock = _NoLock


class Account:
    def __init__(self, balance=0):
        self._balance = balance
        self._lock = threading.Lock()

    def deposit(self, amount):
        with self._lock:
            balance = self._balance
            time.sleep(0)
            self._balance = balance + amount

    def withdraw(self, amount):
        with self._lock:
            if self._balance < amount:
                return False
            balance = self._balance
            time.sleep(0)
            self._balance = balance - amount
            return True

    @property
    def balance(self):
        return self._balance
