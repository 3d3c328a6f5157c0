"""Explicit acquire/release in try/finally, through small helper methods, and a
lock attribute with a public name."""

import threading


class Account:
    def __init__(self, balance=0):
        self.balance_lock = threading.Lock()
        self.amount = balance

    def _update(self, change):
        self.balance_lock.acquire()
        try:
            new = self.amount + change
            if new < 0:
                return False
            self.amount = new
            return True
        finally:
            self.balance_lock.release()

    def deposit(self, amount):
        self._update(amount)

    def withdraw(self, amount):
        if amount < 0:
            raise ValueError("cannot withdraw a negative amount")
        return self._update(-amount)

    @property
    def balance(self):
        self.balance_lock.acquire()
        try:
            return self.amount
        finally:
            self.balance_lock.release()
