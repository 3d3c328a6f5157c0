"""A bank account shared by many threads, guarded by one mutex lock per account
that is taken and released explicitly (acquire / try / finally / release)."""

import threading


class Account:
    """A bank account that many threads may use at once."""

    def __init__(self, balance=0):
        self._balance = balance
        # One lock per account, made once: every thread using this account
        # must use this same lock, and other accounts have their own.
        self._lock = threading.Lock()

    def deposit(self, amount):
        """Add ``amount`` to the balance."""
        self._lock.acquire()
        try:
            self._balance += amount
        finally:
            self._lock.release()  # also when the body raised

    def withdraw(self, amount):
        """Take ``amount`` out if the balance covers it: return True; else
        change nothing and return False. Check and update are one step."""
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
        """The current balance."""
        self._lock.acquire()
        try:
            return self._balance
        finally:
            self._lock.release()
