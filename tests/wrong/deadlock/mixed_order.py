# catches: ordering by `id()` of the lock object in one place and by account id in another
# fails: test_no_lock_order_inversion_whatever_the_lock_layout
"""Each branch on its own takes the locks in a fixed order, but the two
branches use different orders (account id here, id() of the lock there): for
accounts whose two orders disagree, a->b and b->a still lock in opposite orders."""

import threading


class Account:
    def __init__(self, id, balance=0):
        self.id = id
        self.balance = balance
        self.lock = threading.Lock()


def _locks_in_order(src, dst):
    if src.id < dst.id:
        # lower account id first
        return src.lock, dst.lock
    # lower lock address first
    return tuple(sorted((src.lock, dst.lock), key=id))


def transfer(src, dst, amount):
    if src is dst:
        with src.lock:
            return src.balance >= amount
    first, second = _locks_in_order(src, dst)
    with first:
        with second:
            if src.balance < amount:
                return False
            src.balance -= amount
            dst.balance += amount
            return True
