# catches: release skipped when the body raises
# fails: test_lock_is_released_when_deposit_raises, test_lock_is_released_when_withdraw_raises
"""acquire() ... release() with no try/finally: when the body raises, the
release() line never runs and the account's lock stays held for ever."""

import threading


class Account:
    def __init__(self, balance=0):
        self._balance = balance
        self._lock = threading.Lock()

    def deposit(self, amount):
        self._lock.acquire()
        self._balance += amount
        self._lock.release()

    def withdraw(self, amount):
        self._lock.acquire()
        if self._balance < amount:
            self._lock.release()
            return False
        self._balance -= amount
        self._lock.release()
        return True

    @property
    def balance(self):
        self._lock.acquire()
        value = self._balance
        self._lock.release()
        return value
