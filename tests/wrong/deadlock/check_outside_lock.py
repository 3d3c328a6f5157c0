# catches: (extra) the funds checked before taking the locks (check-then-act)
# fails: test_funds_check_and_withdrawal_are_atomic
"""Ordered locks, but the balance is checked before they are taken: two
transfers from one account can both pass the check and overdraw it."""

import threading


class Account:
    def __init__(self, id, balance=0):
        self.id = id
        self.balance = balance
        self.lock = threading.Lock()


def transfer(src, dst, amount):
    if src.balance < amount:
        return False
    if src is dst:
        return True
    first, second = sorted((src, dst), key=lambda acc: acc.id)
    with first.lock, second.lock:
        src.balance -= amount
        dst.balance += amount
        return True
