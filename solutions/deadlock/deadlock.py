"""Transfers between bank accounts without deadlock: every transfer takes the
two account locks in one global order (by account id)."""

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
    ``transfer(a, a, amount)`` changes nothing and returns whether ``a`` holds
    at least ``amount``.
    """
    if src is dst:
        # One account: one lock. Taking a threading.Lock twice would block forever.
        with src.lock:
            return src.balance >= amount
    # Every thread takes the lower id first: no two threads can each hold the
    # lock the other one waits for.
    first, second = sorted((src, dst), key=lambda account: account.id)
    with first.lock, second.lock:
        if src.balance < amount:
            return False
        src.balance -= amount
        dst.balance += amount
        return True
