"""Public tests for the deadlock exercise: run them with ``grader check deadlock``.

``test_locks_taken_in_one_order`` replaces the accounts' locks with tracked
locks that record the order in which they are taken: one thread doing
transfer(a, b) and then transfer(b, a) shows a lock-order inversion (a deadlock
waiting to happen) on every run, even though this run cannot hang.

``test_no_money_in_flight`` gives the accounts locks that look at both balances
each time the transfer lets go of its last lock: at that moment another thread
could lock both accounts and read them.
"""

import threading

import pytest
from deadlock import Account, transfer

from grader.testing import DeadlineExceeded, LockOrderTracker, call_with_deadline


def _transfer(src, dst, amount):
    return call_with_deadline(transfer, src, dst, amount, deadline=5.0,
                              what=f"transfer(account {src.id}, account {dst.id}, {amount})")


def test_account_is_kept():
    acc = Account(7, 40)
    assert (acc.id, acc.balance) == (7, 40), "Account(id, balance) must keep its attributes"
    assert hasattr(acc.lock, "acquire") and hasattr(acc.lock, "release"), (
        "each Account must keep its own `lock` (a threading.Lock)"
    )


def test_transfer_moves_money():
    a, b = Account(1, 100), Account(2, 20)
    assert _transfer(a, b, 30) is True, "a transfer with enough funds must return True"
    assert (a.balance, b.balance) == (70, 50), (
        f"after moving 30 from a (100) to b (20), expected 70 and 50, "
        f"got {a.balance} and {b.balance}"
    )


def test_insufficient_funds():
    a, b = Account(1, 10), Account(2, 0)
    assert _transfer(a, b, 11) is False, "a transfer of 11 from a balance of 10 must return False"
    assert (a.balance, b.balance) == (10, 0), (
        f"a refused transfer must change nothing; got {a.balance} and {b.balance}"
    )


@pytest.mark.lesson
def test_transfer_to_itself():
    a = Account(1, 100)
    try:
        result = _transfer(a, a, 30)
    except DeadlineExceeded as exc:
        raise AssertionError(
            "transfer(a, a, 30) never returned: src.lock and dst.lock are the same Lock, "
            "and a threading.Lock blocks even the thread that holds it.\n" f"{exc}"
        ) from None
    assert (result, a.balance) == (True, 100), (
        f"transfer(a, a, 30) should return True and leave 100; got {result} and {a.balance}"
    )


@pytest.mark.lesson
def test_locks_taken_in_one_order():
    tracker = LockOrderTracker()
    a, b = Account(1, 100), Account(2, 100)
    a.lock, b.lock = tracker.lock("a.lock"), tracker.lock("b.lock")
    _transfer(a, b, 10)
    _transfer(b, a, 10)
    assert not tracker.inversions, tracker.explain()


class BalancesWatch:
    """Locks for two accounts that note the balances whenever the (one)
    transferring thread has just released the last lock it held."""

    def __init__(self, a, b):
        self.accounts = (a, b)
        self.total = a.balance + b.balance
        self.held = 0
        self.seen = []  # balances that did not add up to the total
        a.lock, b.lock = WatchedLock(self), WatchedLock(self)

    def released(self):
        self.held -= 1
        balances = [acc.balance for acc in self.accounts]
        if self.held == 0 and sum(balances) != self.total:
            self.seen.append(balances)


class WatchedLock:
    def __init__(self, watch):
        self._lock = threading.Lock()
        self._watch = watch

    def acquire(self, blocking=True, timeout=-1):
        got = self._lock.acquire(blocking, timeout)
        self._watch.held += got
        return got

    def release(self):
        self._lock.release()
        self._watch.released()

    def locked(self):
        return self._lock.locked()

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()


@pytest.mark.lesson
def test_no_money_in_flight():
    a, b = Account(1, 100), Account(2, 100)
    watch = BalancesWatch(a, b)
    _transfer(a, b, 30)
    _transfer(b, a, 50)
    assert not watch.seen, (
        "in the middle of a transfer there was a moment when it held neither account's lock "
        f"and the balances were {watch.seen[0]}, not adding up to {watch.total}: another "
        "thread that locked both accounts right then would see the money in flight. Take both "
        "locks (in one global order) before checking the funds, and release them only "
        "after both balances are updated, instead of updating src under its lock and then "
        "dst under its lock."
    )
