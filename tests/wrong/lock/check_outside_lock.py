# catches: check-then-act with the check outside the lock
# fails: test_only_one_of_several_withdrawals_of_the_last_money_succeeds, test_withdrawals_add_up_and_never_overdraw
"""Every update holds the lock, but withdraw() checks the balance before taking
it: several threads can all see enough money, then all take it."""

import threading


class Account:
    def __init__(self, balance=0):
        self._balance = balance
        self._lock = threading.Lock()

    def deposit(self, amount):
        self._lock.acquire()
        try:
            self._balance += amount
        finally:
            self._lock.release()

    def withdraw(self, amount):
        if self._balance < amount:
            return False
        self._lock.acquire()
        try:
            self._balance -= amount
        finally:
            self._lock.release()
        return True

    @property
    def balance(self):
        return self._balance
