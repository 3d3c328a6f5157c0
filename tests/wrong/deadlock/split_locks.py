# catches: (extra) the money moved in two steps, one lock at a time: not atomic
# fails: test_no_reader_sees_money_in_flight, test_no_money_in_flight
"""No deadlock (never two locks at once), but between the two blocks the money
has left src and not yet reached dst, and another thread holding both locks
can see it missing."""

import threading


class Account:
    def __init__(self, id, balance=0):
        self.id = id
        self.balance = balance
        self.lock = threading.Lock()


def transfer(src, dst, amount):
    with src.lock:
        if src.balance < amount:
            return False
        src.balance -= amount
    with dst.lock:
        dst.balance += amount
    return True
