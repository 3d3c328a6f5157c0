# catches: one lock shared by every account
# fails: test_accounts_do_not_share_one_lock
"""Correct and safe, but the lock is a class attribute: every account in the
program shares it, so a call on one account waits for calls on all others."""

import threading


class Account:
    _lock = threading.Lock()  # made once, when the class is defined: shared

    def __init__(self, balance=0):
        self._balance = balance

    def deposit(self, amount):
        self._lock.acquire()
        try:
            self._balance += amount
        finally:
            self._lock.release()

    def withdraw(self, amount):
        self._lock.acquire()
        try:
            if self._balance < amount:
                return False
            self._balance -= amount
            return True
        finally:
            self._lock.release()

    @property
    def balance(self):
        self._lock.acquire()
        try:
            return self._balance
        finally:
            self._lock.release()
