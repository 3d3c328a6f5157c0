# catches: one lock shared by every account (a module-level lock)
# fails: test_accounts_do_not_share_one_lock
"""One lock for the whole module, used with `with`: safe, but serial."""

import threading

_lock = threading.Lock()


class Account:
    def __init__(self, balance=0):
        self._balance = balance

    def deposit(self, amount):
        with _lock:
            self._balance += amount

    def withdraw(self, amount):
        with _lock:
            if amount > self._balance:
                return False
            self._balance -= amount
            return True

    @property
    def balance(self):
        return self._balance
