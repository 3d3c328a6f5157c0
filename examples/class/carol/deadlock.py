"""Avoid the deadlock: transfers between bank accounts.

Keep ``class Account`` as it is (the tests build accounts with it and replace
their locks). Fix ``transfer``: as written it locks ``src`` and then ``dst``,
so two opposite transfers running at once can each hold one lock and wait
forever for the other. See README.md, then run ``grader check deadlock``.
"""

import threading


class Account:
    """A bank account: an ``id``, a ``balance`` and the ``lock`` that guards it."""

    def __init__(self, id: int, balance: int = 0) -> None:
        self.id = id
        self.balance = balance
        self.lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Account(id={self.id}, balance={self.balance})"


def transfer(src: Account, dst: Account, amount: int) -> bool:
    """Move ``amount`` from ``src`` to ``dst`` atomically.

    Returns True when done, False (changing nothing) when ``src`` lacks funds.
    """
    with src.lock:
        with dst.lock:
            if src.balance < amount:
                return False
            src.balance -= amount
            dst.balance += amount
            return True
