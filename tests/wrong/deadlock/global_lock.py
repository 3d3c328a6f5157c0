# catches: one global lock held for the whole bank
# fails: test_disjoint_transfers_do_not_wait_for_each_other
"""Safe and deadlock-free, but every transfer in the bank waits for every
other one, even between unrelated accounts: no concurrency left."""

import threading

_BANK_LOCK = threading.Lock()


class Account:
    def __init__(self, id, balance=0):
        self.id = id
        self.balance = balance
        self.lock = threading.Lock()


def transfer(src, dst, amount):
    with _BANK_LOCK:
        if src.balance < amount:
            return False
        src.balance -= amount
        dst.balance += amount
        return True
