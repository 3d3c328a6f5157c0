# catches: (extra) a new lock made in every call: it protects nothing
# fails: test_concurrent_deposits_are_not_lost, test_only_one_of_several_withdrawals_of_the_last_money_succeeds, test_withdrawals_add_up_and_never_overdraw
"""Each call acquires a brand-new lock that no other thread can ever see."""

import threading


class Account:
    def __init__(self, balance=0):
        self._balance = balance

    def deposit(self, amount):
        lock = threading.Lock()
        lock.acquire()
        try:
            self._balance += amount
        finally:
            lock.release()

    def withdraw(self, amount):
        lock = threading.Lock()
        lock.acquire()
        try:
            if self._balance < amount:
                return False
            self._balance -= amount
            return True
        finally:
            lock.release()

    @property
    def balance(self):
        return self._balance
