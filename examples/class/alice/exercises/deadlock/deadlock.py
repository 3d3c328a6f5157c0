"""Correct: one global order by id() of the lock objects, used in every path,
with explicit acquire/release in try/finally and a helper."""

import threading


class Account:
    def __init__(self, id, balance=0):
        self.id = id
        self.balance = balance
        self.lock = threading.Lock()

    def __repr__(self):
        return f"Account(id={self.id}, balance={self.balance})"


def _ordered(a, b):
    return (a, b) if id(a.lock) < id(b.lock) else (b, a)


def transfer(src, dst, amount):
    if src is dst:
        src.lock.acquire()
        try:
            return not src.balance < amount
        finally:
            src.lock.release()
    one, two = _ordered(src, dst)
    one.lock.acquire()
    try:
        two.lock.acquire()
        try:
            if src.balance < amount:
                return False
            src.balance = src.balance - amount
            dst.balance = dst.balance + amount
        finally:
            two.lock.release()
    finally:
        one.lock.release()
    return True
