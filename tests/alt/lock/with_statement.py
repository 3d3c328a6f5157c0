"""The same account with `with self._lock:` (which releases on any exception),
a balance property that reads without the lock (an int read is one step), and
an RLock, which is also a correct mutex here."""

from threading import RLock


class Account:
    def __init__(self, balance=0):
        self._value = balance
        self._mutex = RLock()

    def deposit(self, amount):
        if not isinstance(amount, (int, float)):
            raise TypeError(f"amount must be a number, not {type(amount).__name__}")
        with self._mutex:
            self._value = self._value + amount

    def withdraw(self, amount):
        with self._mutex:
            ok = amount <= self._value
            if ok:
                self._value = self._value - amount
        print(f"withdraw({amount}) -> {ok}")
        return ok

    @property
    def balance(self):
        return self._value
