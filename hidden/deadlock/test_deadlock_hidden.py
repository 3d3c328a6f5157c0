"""Hidden tests for the deadlock exercise.

- Lock-order inversions are found by ``LockOrderTracker`` in ONE thread, with no
  luck involved: the test accounts' locks are replaced by tracked locks, and
  ``transfer(a, b)`` followed by ``transfer(b, a)`` records both orders.
- Hangs (opposite transfers, ``transfer(a, a)``) are run under deadlines, so a
  deadlock fails one test with the stuck threads' stacks.
- Races are provoked with ``inject_switches`` (seeded switches between the
  bytecodes of deadlock.py).
- Atomicity is checked at every point where a transferring thread holds none of
  the accounts' locks: there another thread could lock both accounts and read
  them, so the money must not be in flight.
- A single lock for the whole bank is safe but serial: a test blocks one
  transfer inside its critical section and requires a transfer between two
  other accounts to finish meanwhile.
"""

import random
import threading

import deadlock
import pytest
from deadlock import Account, transfer

from grader.testing import (
    DeadlineExceeded,
    LockOrderTracker,
    RaceFound,
    base_seed,
    call_with_deadline,
    current_seed,
    inject_switches,
    run_in_threads,
)

DEADLINE = 5.0  # seconds; a correct transfer takes microseconds

ORDER_HINT = (
    "Take the two locks in one global order that every transfer agrees on, for "
    "example lower account id first, whichever account is src and which is dst."
)


def _tracked(tracker, *accounts):
    """Give each account a tracked lock named after it."""
    for account in accounts:
        account.lock = tracker.lock(f"account {account.id}.lock")
    return accounts


def _transfer(src, dst, amount):
    return call_with_deadline(
        transfer, src, dst, amount, deadline=DEADLINE,
        what=f"transfer(account {src.id}, account {dst.id}, {amount})")


# --- lock order -------------------------------------------------------------


@pytest.mark.lesson
def test_no_lock_order_inversion():
    tracker = LockOrderTracker()
    a, b = _tracked(tracker, Account(1, 100), Account(2, 100))
    _transfer(a, b, 10)
    _transfer(b, a, 10)
    assert not tracker.inversions, (
        "transfer(a, b) and then transfer(b, a), in one thread, took the two "
        "account locks in opposite orders. " + tracker.explain() + " " + ORDER_HINT
    )


@pytest.mark.lesson
def test_no_lock_order_inversion_whatever_the_lock_layout():
    """Accounts whose id order agrees, and accounts whose id order disagrees,
    with the order of their locks' id(): a solution that orders by account id
    in one code path and by id(lock) in another takes both orders somewhere."""
    tracker = LockOrderTracker()
    lo, hi = sorted((tracker.lock("?"), tracker.lock("?")), key=id)
    lo2, hi2 = sorted((tracker.lock("?"), tracker.lock("?")), key=id)
    pairs = []
    # Pair 1: the account with the lower id gets the lock with the higher id().
    # Pair 2: the orders agree.
    for (id1, id2), (lock1, lock2) in (((1, 2), (hi, lo)), ((3, 4), (lo2, hi2))):
        x, y = Account(id1, 100), Account(id2, 100)
        for account, lock in ((x, lock1), (y, lock2)):
            lock.name = f"account {account.id}.lock"
            account.lock = lock
        pairs.append((x, y))
    for x, y in pairs:
        for src, dst in ((x, y), (y, x)):
            _transfer(src, dst, 10)          # enough money
            _transfer(src, dst, 10_000)      # not enough money: refused
    assert not tracker.inversions, (
        "With transfers in both directions, successful and refused, between accounts "
        "whose ids and whose locks' id() are in the same and in opposite orders, the "
        "account locks were taken in opposite orders. " + tracker.explain() + " "
        "Use the SAME order in every code path (e.g. always the account id; do not mix "
        "account ids and id() of the locks). " + ORDER_HINT
    )


# --- deadlocks and liveness -------------------------------------------------


@pytest.mark.lesson
def test_opposite_transfers_at_the_same_time_finish():
    a, b = Account(1, 1000), Account(2, 1000)
    rounds = 300

    def a_to_b():
        for _ in range(rounds):
            transfer(a, b, 1)

    def b_to_a():
        for _ in range(rounds):
            transfer(b, a, 1)

    try:
        with inject_switches(deadlock):
            run_in_threads([a_to_b, b_to_a], timeout=DEADLINE,
                           what="the two threads transferring a->b and b->a")
    except DeadlineExceeded as exc:
        raise AssertionError(
            f"One thread transferred a->b and another b->a, {rounds} times each, and they "
            "deadlocked: each holds one account's lock and waits forever for the other's. "
            f"{ORDER_HINT} (thread switches injected with seed {base_seed()})\n{exc}"
        ) from None
    assert (a.balance, b.balance) == (1000, 1000), (
        f"after {rounds} transfers of 1 each way, both accounts should hold 1000 again; "
        f"they hold {a.balance} and {b.balance}"
    )


@pytest.mark.lesson
def test_transfer_to_the_same_account():
    a = Account(1, 100)
    try:
        done = _transfer(a, a, 30)
        refused = _transfer(a, a, 500)
    except DeadlineExceeded as exc:
        raise AssertionError(
            "transfer(a, a, amount) never returned: with src and dst the same account, "
            "taking src.lock and then dst.lock takes the same threading.Lock twice, and a "
            "Lock blocks even its own holder. Handle `src is dst` (take its lock once).\n"
            f"{exc}"
        ) from None
    assert a.balance == 100, (
        f"transfer(a, a, ...) must leave the balance unchanged (100), got {a.balance}"
    )
    assert (done, refused) == (True, False), (
        "transfer(a, a, amount) should return True when a holds at least `amount` and "
        f"False otherwise, like any transfer (see README.md); got {done} for 30 and "
        f"{refused} for 500 with a balance of 100"
    )


# --- safety -----------------------------------------------------------------


def test_insufficient_funds_changes_nothing():
    a, b = Account(1, 100), Account(2, 50)
    assert _transfer(a, b, 101) is False, "transfer of 101 from a balance of 100 must return False"
    assert (a.balance, b.balance) == (100, 50), (
        f"a refused transfer must change nothing: expected balances 100 and 50, got "
        f"{a.balance} and {b.balance}"
    )
    assert _transfer(a, b, 100) is True, "transfer of the whole balance (100 of 100) must succeed"
    assert (a.balance, b.balance) == (0, 150), (
        f"after moving 100 from a to b, expected 0 and 150, got {a.balance} and {b.balance}"
    )


def test_money_is_conserved_under_concurrent_transfers():
    accounts = [Account(i, 100) for i in range(1, 6)]
    start = {acc.id: acc.balance for acc in accounts}
    per_thread, threads = 150, 4
    plans = []
    rng = random.Random(current_seed())
    for _ in range(threads):
        plan = []
        for _ in range(per_thread):
            src, dst = rng.sample(accounts, 2)
            plan.append((src, dst, rng.randint(1, 80)))
        plans.append(plan)
    outcomes = [[None] * per_thread for _ in range(threads)]

    def worker(k):
        def run():
            for i, (src, dst, amount) in enumerate(plans[k]):
                outcomes[k][i] = transfer(src, dst, amount)
        return run

    seed = f"(thread switches injected with seed {base_seed()})"
    try:
        with inject_switches(deadlock):
            run_in_threads([worker(k) for k in range(threads)], timeout=DEADLINE,
                           what="the transferring threads")
    except DeadlineExceeded as exc:
        raise AssertionError(
            f"{threads} threads making random transfers among 5 accounts deadlocked. "
            f"{ORDER_HINT} {seed}\n{exc}"
        ) from None
    balances = {acc.id: acc.balance for acc in accounts}
    if sum(balances.values()) != sum(start.values()):
        raise RaceFound(
            f"{threads} threads made random transfers among 5 accounts holding 100 each: the "
            f"total should stay {sum(start.values())}, but the balances are {balances}. Money "
            "was created or destroyed: a balance update raced with another (read-modify-write "
            f"outside the locks of both accounts). {seed}"
        )
    if not (min(balances.values()) >= 0):
        raise RaceFound(
            f"an account went negative: {balances}. The funds check and the withdrawal must "
            f"happen under the same locks (check-then-act). {seed}"
        )
    expected = dict(start)
    for plan, results in zip(plans, outcomes, strict=True):
        for (src, dst, amount), ok in zip(plan, results, strict=True):
            assert ok in (True, False), f"transfer() must return True or False, got {ok!r}"
            if ok:
                expected[src.id] -= amount
                expected[dst.id] += amount
    if balances != expected:
        raise RaceFound(
            f"the balances {balances} do not match the transfers that returned True "
            f"(they add up to {expected}): a transfer returned True without moving the money, "
            f"or False after moving it, or an update was lost. {seed}"
        )


@pytest.mark.lesson
def test_funds_check_and_withdrawal_are_atomic():
    """Round after round, four threads at once try to take the last 10 from
    one account: exactly one may succeed."""
    threads, rounds, amount = 4, 60, 10
    src = Account(1, 0)
    dsts = [Account(i, 0) for i in range(2, 2 + threads)]
    results = [[] for _ in range(threads)]
    overdrafts = []
    state = {"round": 0}

    def between_rounds():  # runs while every worker waits at the barrier
        if state["round"] > 0:
            winners = sum(bool(r[-1]) for r in results)
            if src.balance != 0 or winners != 1:
                overdrafts.append((src.balance, winners))
        src.balance = amount
        state["round"] += 1

    barrier = threading.Barrier(threads, action=between_rounds, timeout=DEADLINE)

    def worker(k):
        def run():
            for _ in range(rounds):
                barrier.wait()
                results[k].append(transfer(src, dsts[k], amount))
            barrier.wait()
        return run

    seed = f"(thread switches injected with seed {base_seed()})"
    with inject_switches(deadlock, probability=0.1):
        run_in_threads([worker(k) for k in range(threads)], timeout=DEADLINE,
                       what="the threads withdrawing from one account")
    if overdrafts:
        raise RaceFound(
            f"{threads} threads at once tried to transfer {amount} out of an account holding "
            f"{amount}; exactly one should succeed, but in {len(overdrafts)} of {rounds} rounds it "
            f"did not (e.g. the account was left at {overdrafts[0][0]} after {overdrafts[0][1]} "
            "successful transfers). Check the funds "
            "while holding the locks, in the same critical section as the withdrawal "
            f"(check-then-act). {seed}"
        )


class WatchedLock:
    """A lock that, whenever its thread holds none of a group's locks, checks an
    invariant: that is a moment at which another thread could lock every account
    and read them all."""

    def __init__(self, group):
        self._lock = threading.Lock()
        self._group = group
        self.owner = None

    def _check(self):
        me = threading.get_ident()
        if all(lock.owner != me for lock in self._group.locks):
            self._group.check()

    def acquire(self, blocking=True, timeout=-1):
        self._check()
        got = self._lock.acquire(blocking, timeout)
        if got:
            self.owner = threading.get_ident()
        return got

    def release(self):
        self.owner = None
        self._lock.release()
        self._check()

    def locked(self):
        return self._lock.locked()

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()


class Watch:
    def __init__(self, accounts):
        self.accounts = accounts
        self.total = sum(acc.balance for acc in accounts)
        self.locks = [WatchedLock(self) for _ in accounts]
        self.seen = []
        for acc, lock in zip(accounts, self.locks, strict=True):
            acc.lock = lock

    def check(self):
        balances = [acc.balance for acc in self.accounts]
        if sum(balances) != self.total:
            self.seen.append(balances)


@pytest.mark.lesson
def test_no_reader_sees_money_in_flight():
    a, b = Account(1, 100), Account(2, 100)
    watch = Watch([a, b])
    results = [_transfer(a, b, 30), _transfer(b, a, 70), _transfer(a, b, 1000)]
    assert not watch.seen, (
        "While a transfer was running, there was a moment when it held neither account's "
        f"lock and the balances added up to {watch.seen[0]} instead of {watch.total}: "
        "another thread locking both accounts right then would see the money in flight. "
        "Hold BOTH locks from the funds check until both balances are updated (nested, in "
        "one global order), instead of updating src under its lock and then dst under its."
    )
    assert results == [True, True, False] and (a.balance, b.balance) == (140, 60), (
        "transfer(a, b, 30), transfer(b, a, 70), transfer(a, b, 1000) from 100 and 100 "
        f"should return [True, True, False] and leave 140 and 60; got {results}, "
        f"{a.balance} and {b.balance}"
    )


# --- concurrency: disjoint transfers must not wait for each other ------------


GATE_LIMIT = 20.0  # the gated write gives up after this, so no thread waits forever


class GatedAccount(Account):
    """The student's Account, but once ``armed`` its next balance write signals
    ``inside`` and waits for ``gate``: the transfer is held inside its critical
    section for as long as the test wants."""

    def __init__(self, *args, **kwargs):
        self.armed = False
        self.inside = threading.Event()
        self.gate = threading.Event()
        super().__init__(*args, **kwargs)

    @property
    def balance(self):
        return self._gated_balance

    @balance.setter
    def balance(self, value):
        if self.armed:
            self.armed = False
            self.inside.set()
            self.gate.wait(GATE_LIMIT)
        self._gated_balance = value


@pytest.mark.lesson
@pytest.mark.timeout_s(30)
def test_disjoint_transfers_do_not_wait_for_each_other():
    a, b = GatedAccount(1, 100), Account(2, 100)
    c, d = Account(3, 100), Account(4, 100)
    a.armed = True
    held = {}
    holder = threading.Thread(target=lambda: held.setdefault("ok", transfer(a, b, 10)),
                              name="transfer(a, b)", daemon=True)
    holder.start()
    try:
        assert a.inside.wait(DEADLINE), (
            "transfer(a, b, 10) did not write a.balance within "
            f"{DEADLINE:g} s (a holds 100, so the transfer should go through)"
        )
        try:
            other = call_with_deadline(transfer, c, d, 10, deadline=DEADLINE,
                                       what="transfer(c, d, 10)")
        except DeadlineExceeded as exc:
            raise AssertionError(
                "While transfer(a, b) was inside its critical section, transfer(c, d) "
                "(two other accounts) had to wait for it. Transfers between different "
                "accounts must run at the same time: lock the two accounts involved "
                "(their `lock` attributes), not one lock for the whole bank.\n"
                f"{exc}"
            ) from None
    finally:
        a.gate.set()
    holder.join(DEADLINE)
    assert not holder.is_alive(), "transfer(a, b, 10) did not finish once released"
    assert other is True and held.get("ok") is True, (
        f"both transfers should succeed; got {held.get('ok')} and {other}"
    )
    balances = [acc.balance for acc in (a, b, c, d)]
    assert balances == [90, 110, 90, 110], (
        f"expected balances [90, 110, 90, 110] after the two transfers, got {balances}"
    )
