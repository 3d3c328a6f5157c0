"""Hidden tests for the lock exercise.

- Races are provoked with ``inject_switches`` (seeded GIL switches between the
  bytecodes of lock.py): an unlocked read-modify-write, or a funds check made
  before the lock is taken, shows on every run; a correct account never does.
- A lock left held by an exception is shown by event order: the test makes the
  body raise (an amount whose arithmetic raises, an amount of a bad type), and
  then requires later calls to finish within a generous deadline.
- "One lock for every account" is shown by event order too: a deposit into
  account A is held inside its critical section (an amount whose addition waits
  for the test), and calls on account B must finish meanwhile.
"""

import random
import threading

import lock
import pytest
from lock import Account

from grader.testing import (
    DeadlineExceeded,
    RaceFound,
    base_seed,
    call_with_deadline,
    current_seed,
    inject_switches,
    run_in_threads,
    start_call,
    wait_until,
)

DEADLINE = 5.0  # seconds; every call here takes microseconds when it is right
OTHER_DEADLINE = 2.0  # for a call on account b while a is held: it takes microseconds
GATE_LIMIT = 20.0  # a gated amount waits at most this long, so no thread waits forever


def _seed():
    return f"(thread switches injected with seed {base_seed()})"


def _call(fn, *args, what):
    return call_with_deadline(fn, *args, deadline=DEADLINE, what=what)


# --- plain behaviour ----------------------------------------------------------


def test_deposit_withdraw_and_refused_overdraft():
    acc = Account()
    assert _call(lambda: acc.balance, what="balance") == 0, (
        "Account() with no argument should start with a balance of 0"
    )
    acc = Account(50)
    assert _call(acc.withdraw, 20, what="withdraw(20)") is True, (
        "withdraw(20) from a balance of 50 should succeed and return True"
    )
    _call(acc.deposit, 5, what="deposit(5)")
    assert _call(acc.withdraw, 36, what="withdraw(36)") is False, (
        "withdraw(36) from a balance of 35 must be refused: it should return False"
    )
    assert _call(lambda: acc.balance, what="balance") == 35, (
        f"after 50 - 20 + 5 and a refused withdraw(36), the balance should be 35, got "
        f"{acc.balance}: a refused withdrawal must change nothing"
    )
    assert _call(acc.withdraw, 35, what="withdraw(35)") is True, (
        "withdrawing the whole balance (35 of 35) is allowed and should return True"
    )
    assert _call(lambda: acc.balance, what="balance") == 0


# --- races ------------------------------------------------------------------------


@pytest.mark.lesson
def test_concurrent_deposits_are_not_lost():
    acc = Account(0)
    threads, per_thread = 4, 200

    def work(amount):
        def run():
            for _ in range(per_thread):
                acc.deposit(amount)
        return run

    amounts = (1, 10, 100, 1000)
    with inject_switches(lock):
        run_in_threads([work(a) for a in amounts], timeout=20, what="the depositing threads")
    expected = per_thread * sum(amounts)
    if acc.balance != expected:
        raise RaceFound(
            f"{threads} threads deposited 1, 10, 100 and 1000, {per_thread} times each: the "
            f"balance should be {expected}, got {acc.balance}. Deposits were lost: "
            "`self._balance += amount` reads, adds and writes, and another thread can run in "
            "between. Hold the account's lock (one lock, made once in __init__) around the "
            f"whole update. {_seed()}"
        )


@pytest.mark.lesson
def test_only_one_of_several_withdrawals_of_the_last_money_succeeds():
    """Round after round, four threads at once try to take the last 10 out of
    one account: exactly one may succeed, and the balance must end at 0."""
    threads, rounds, amount = 4, 60, 10
    acc = Account(0)
    results = [[] for _ in range(threads)]
    bad, errors = [], []
    state = {"round": 0}

    def between_rounds():  # runs while every worker waits at the barrier
        try:
            next_round()
        except Exception as exc:
            errors.append(exc)
            raise

    def next_round():
        if state["round"] > 0:
            winners = sum(bool(r[-1]) for r in results)
            balance = acc.balance
            if balance != 0 or winners != 1:
                bad.append((balance, winners))
            if balance != 0:
                acc.deposit(-balance)  # start the next round from 0 again
        acc.deposit(amount)
        state["round"] += 1

    barrier = threading.Barrier(threads, action=between_rounds, timeout=DEADLINE)

    def worker(k):
        def run():
            for _ in range(rounds):
                barrier.wait()
                results[k].append(acc.withdraw(amount))
            barrier.wait()
        return run

    try:
        with inject_switches(lock, probability=0.1):
            run_in_threads([worker(k) for k in range(threads)], timeout=20,
                           what="the threads withdrawing from one account")
    except threading.BrokenBarrierError:
        if errors:  # the real cause: a call between the rounds failed
            raise errors[0] from None
        raise
    if bad:
        raise RaceFound(
            f"{threads} threads at once called withdraw({amount}) on an account holding "
            f"{amount}: exactly one should succeed and leave 0, but in {len(bad)} of {rounds} "
            f"rounds it did not (e.g. {bad[0][1]} withdrawals returned True and the balance "
            f"was left at {bad[0][0]}). Check the balance while holding the lock, in the same "
            "critical section as the update: if the check comes before acquire(), several "
            "threads can all see enough money and then all take it (check-then-act). "
            f"{_seed()}"
        )


@pytest.mark.lesson
def test_withdrawals_add_up_and_never_overdraw():
    start, threads, per_thread = 2000, 4, 150
    acc = Account(start)
    rng = random.Random(current_seed())
    plans = [[rng.randint(1, 20) for _ in range(per_thread)] for _ in range(threads)]
    taken = [0] * threads
    lowest = [start]

    def worker(k):
        def run():
            for amount in plans[k]:
                if acc.withdraw(amount):
                    taken[k] += amount
                balance = acc.balance
                if balance < lowest[0]:
                    lowest[0] = balance
        return run

    with inject_switches(lock):
        run_in_threads([worker(k) for k in range(threads)], timeout=20,
                       what="the withdrawing threads")
    final = acc.balance
    if not (final >= 0 and lowest[0] >= 0):
        raise RaceFound(
            f"{threads} threads withdrew random amounts from an account holding {start} until "
            f"it ran dry: the balance went negative (lowest seen {lowest[0]}, final {final}). "
            "withdraw() must refuse an overdraft atomically: check and subtract under one "
            f"acquire() of the lock (check-then-act). {_seed()}"
        )
    if start - sum(taken) != final:
        raise RaceFound(
            f"the successful withdrawals add up to {sum(taken)}, so {start} - {sum(taken)} = "
            f"{start - sum(taken)} should be left, but the balance is {final}: a withdrawal "
            "returned True without taking the money, or an update was lost. Hold the lock from "
            f"the check until the balance is written. {_seed()}"
        )


# --- the lock must be released when the body raises --------------------------


class AmountError(Exception):
    """Raised by RaisingAmount's arithmetic."""


class RaisingAmount(int):
    """An int whose addition and subtraction raise (and whose negation too): the
    body of deposit or withdraw fails halfway, while the lock is held."""

    def _fail(self, other=None):
        raise AmountError(f"arithmetic on {int(self)} failed (raised on purpose by the test)")

    __add__ = __radd__ = __sub__ = __rsub__ = __neg__ = _fail


LEAK_DEADLINE = 2.0  # for a call right after one that raised; it takes microseconds


def _still_usable(acc, expected, after):
    try:
        balance = call_with_deadline(lambda: acc.balance, deadline=LEAK_DEADLINE,
                                     what=f"reading balance after {after}")
        call_with_deadline(acc.deposit, 7, deadline=LEAK_DEADLINE,
                           what=f"deposit(7) after {after}")
        ok = call_with_deadline(acc.withdraw, 7, deadline=LEAK_DEADLINE,
                                what=f"withdraw(7) after {after}")
    except DeadlineExceeded as exc:
        raise AssertionError(
            f"After {after}, which raised an exception, the account could not be used any "
            "more: the next call waited for the lock, which nobody was going to release. "
            "The exception skipped your release(): put the body between `lock.acquire()` "
            "and `try:` ... `finally: lock.release()` (or use `with lock:`), so the lock is "
            f"given back whatever happens.\n{exc}"
        ) from None
    assert balance == expected, (
        f"{after} raised an exception, so it must not change the balance: expected "
        f"{expected}, got {balance}"
    )
    assert ok is True, "withdraw(7) right after deposit(7) should succeed"


def _check_raising_calls(acc, expected, cases):
    """Each case: (method, bad amount, description). The call may raise
    anything (that is the point); afterwards the account must still work."""
    for method, amount, what in cases:
        start_call(getattr(acc, method), amount).raised(what)
        _still_usable(acc, expected, what)


@pytest.mark.lesson
def test_lock_is_released_when_deposit_raises():
    _check_raising_calls(Account(100), 100, [
        ("deposit", RaisingAmount(5),
         "deposit() of an amount whose addition raised inside the critical section"),
        ("deposit", "ten", "deposit('ten') (a str cannot be added to a number)"),
        ("deposit", None, "deposit(None)"),
    ])


@pytest.mark.lesson
def test_lock_is_released_when_withdraw_raises():
    _check_raising_calls(Account(100), 100, [
        ("withdraw", RaisingAmount(5),
         "withdraw() of an amount whose subtraction raised inside the critical section"),
        ("withdraw", "ten", "withdraw('ten') (a str cannot be compared with a number)"),
    ])


# --- each account has its own lock ---------------------------------------------


class Gate:
    """Shared by a GatedAmount and its negation: the first addition or
    subtraction signals ``inside`` and waits for ``gate``."""

    def __init__(self):
        self.armed = True
        self.inside = threading.Event()
        self.gate = threading.Event()

    def hold(self):
        if self.armed:
            self.armed = False
            self.inside.set()
            self.gate.wait(GATE_LIMIT)


class GatedAmount(int):
    """An int whose first addition or subtraction waits at the gate: the call
    that uses it is held inside its critical section for as long as the test
    wants."""

    def __new__(cls, value, gate=None):
        amount = super().__new__(cls, value)
        amount.door = gate or Gate()
        return amount

    def __add__(self, other):
        self.door.hold()
        return int(self) + other

    def __radd__(self, other):
        self.door.hold()
        return other + int(self)

    def __sub__(self, other):
        self.door.hold()
        return int(self) - other

    def __rsub__(self, other):
        self.door.hold()
        return other - int(self)

    def __neg__(self):
        return GatedAmount(-int(self), self.door)


@pytest.mark.lesson
@pytest.mark.timeout_s(30)
@pytest.mark.parametrize("method", ["deposit", "withdraw"])
def test_accounts_do_not_share_one_lock(method):
    a, b = Account(100), Account(100)
    amount = GatedAmount(10)
    holder = start_call(getattr(a, method), amount)
    try:
        wait_until(lambda: amount.door.inside.is_set() or holder.done.is_set(), DEADLINE)
        assert amount.door.inside.is_set(), (
            f"a.{method}(10) did not {'add' if method == 'deposit' else 'subtract'} the amount "
            f"within {DEADLINE:g} s ({holder.outcome()}); with a balance of 100 it should "
            f"update the balance with `+=`/`-=` (keep the balance an int)"
        )
        try:
            call_with_deadline(b.deposit, 5, deadline=OTHER_DEADLINE, what="b.deposit(5)")
            b_ok = call_with_deadline(b.withdraw, 15, deadline=OTHER_DEADLINE,
                                      what="b.withdraw(15)")
            b_balance = call_with_deadline(lambda: b.balance, deadline=OTHER_DEADLINE,
                                           what="b.balance")
        except DeadlineExceeded as exc:
            raise AssertionError(
                f"While a.{method}(10) was inside its critical section (holding a's lock), "
                "a call on account b, another account, had to wait for it. Each account "
                "needs its own lock: create it in __init__ and keep it on `self` "
                "(`self._lock = threading.Lock()`), not at module level or as a class "
                "attribute, which every account would share.\n" + str(exc)
            ) from None
    finally:
        amount.door.gate.set()
    a_ok = holder.finish(f"a.{method}(10)", deadline=DEADLINE)
    assert b_ok is True and b_balance == 90, (
        f"b: 100 + 5 - 15 should leave 90 (withdraw returning True); got {b_balance} "
        f"(withdraw returned {b_ok!r})"
    )
    expected = 110 if method == "deposit" else 90
    assert a.balance == expected, (
        f"a.{method}(10) on a balance of 100 should leave {expected}, got {a.balance}"
    )
    if method == "withdraw":
        assert a_ok is True, f"a.withdraw(10) from 100 should return True, got {a_ok!r}"
