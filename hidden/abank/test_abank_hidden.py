"""Hidden tests for the abank exercise (asyncio.Lock: Account and transfer).

Each test runs one coroutine of its own through `run_async` (a fresh, watched
event loop on its own thread) and makes its accounts inside it, so every lock
belongs to that loop. The accounts' `audit` is replaced on each instance by a
test version: `await_points(...)` yields to the loop a seeded number of times
first, so a check-then-act across the audit meets the other tasks in between on
every run; others record what they saw, raise, or wait for the test.

Deadlocks are arranged, not hoped for: the test holds both accounts' locks
while transfer(a, b) and transfer(b, a) start waiting, then releases both in
one step, so each transfer gets its first lock before either asks for its
second. Taken in opposite orders, that is a cycle every run (run_async reports
`deadlock` or `stall`); in one global order, both wait for the same lock first.
A threading.Lock is made contended by an audit that sleeps while a second task
wants the lock: the loop's thread then waits for a lock it holds itself (the
grader's thread watch reports a `deadlock` of the loop's thread, or run_async a
`blocked-loop`, whichever sees it first; either fails the lesson).
"""

import asyncio
import random
from dataclasses import replace

import pytest
from abank import Account, transfer

from grader.testing import RaceFound
from grader.testing.aio import Diagnosed, Intervals, assert_concurrent, await_points, run_async

DEADLOCK_TIMEOUT = 2.0  # seconds of every task waiting before run_async names a deadlock

DEADLOCK_ADVICE = (
    "transfer(a, b) and transfer(b, a) ran at the same time, and each one held one "
    "account's lock while waiting for the other's: neither can ever go on. Take the two "
    "locks in one global order, whatever the direction of the transfer: "
    "`first, second = sorted((src, dst), key=id)`, then `async with first.lock, second.lock:`."
)
BLOCKING_ADVICE = (
    "Two tasks wanted one account's lock at once, and the second one blocked the event "
    "loop's thread instead of pausing: a threading.Lock (or another blocking wait) in a "
    "coroutine. The task that holds the lock can then never run again to release it. Use "
    "`self.lock = asyncio.Lock()` and `async with self.lock:`: a task that finds it taken "
    "pauses, and the loop runs the others."
)
SAME_ACCOUNT_ADVICE = (
    "transfer(a, a, ...) took a.lock and then asked for a.lock again: an asyncio.Lock is not "
    "reentrant, so the task waits for itself. Handle `src is dst` first: change nothing and "
    "return whether the account holds the amount."
)


def run(fn, what, advice="", timeout=5.0):
    """run_async, with this exercise's explanation added to a diagnosis."""
    try:
        return run_async(fn, what=what, timeout=timeout)
    except Diagnosed as exc:
        if not advice:
            raise
        diagnosis = exc.diagnosis
        raise Diagnosed(replace(diagnosis, advice=f"{advice}\n{diagnosis.advice}".strip())) from exc


async def quiet_audit(op, amount):
    """Does nothing: wrapped in await_points, it lets the other tasks run first."""


def yielding(*accounts):
    """Give each account an audit that yields to the loop 1 to 3 times."""
    for acct in accounts:
        acct.audit = await_points(quiet_audit)


def waiting_on(lock):
    """How many tasks wait for an asyncio.Lock (0 if it cannot be told)."""
    return sum(not fut.done() for fut in getattr(lock, "_waiters", None) or ())


async def outcome(coro):
    """The exception the coroutine raised, or None when it returned."""
    try:
        await coro
    except Exception as exc:  # noqa: BLE001 - the test looks at which one
        return exc
    return None


class AuditFailed(Exception):
    """Raised by a test's audit: the bookkeeping failed."""


# -- withdraw, deposit: results and edge cases ----------------------------------------


def test_withdraw_takes_money_out():
    async def scenario():
        acct = Account(100)
        return [await acct.withdraw(40), acct.balance, await acct.withdraw(60), acct.balance]

    got = run(scenario, "withdraw(40) then withdraw(60) on Account(100)")
    assert got == [True, 60, True, 0], (
        "withdraw(40) then withdraw(60) from 100 should return True, leaving 60, then True "
        f"(the whole balance may be taken), leaving 0; got results and balances {got}")


def test_withdraw_too_much_changes_nothing():
    async def scenario():
        acct = Account(50)
        audits = []

        async def audit(op, amount):
            audits.append((op, amount))

        acct.audit = audit
        return await acct.withdraw(51), acct.balance, audits

    result, balance, audits = run(scenario, "withdraw(51) on Account(50)")
    assert (result, balance) == (False, 50), (
        f"withdraw(51) from 50 should return False and change nothing; got {result!r} and a "
        f"balance of {balance}")
    assert audits == [], (
        f"a refused withdraw changes nothing, so it should not be audited; audit was called "
        f"with {audits}")


def test_deposit_adds_money():
    async def scenario():
        acct = Account()
        start = acct.balance
        result = await acct.deposit(25)
        await acct.deposit(0)
        await acct.deposit(5)
        return start, result, acct.balance

    start, result, balance = run(scenario, "deposit(25), deposit(0), deposit(5) on Account()")
    assert start == 0, f"Account() should start with a balance of 0; got {start}"
    assert result is None, f"deposit() should return None; got {result!r}"
    assert balance == 30, f"deposits of 25, 0 and 5 onto 0 should leave 30; got {balance}"


def test_negative_amounts_raise_value_error():
    async def scenario():
        a, b = Account(100), Account(100)
        errors = {
            "a.withdraw(-10)": await outcome(a.withdraw(-10)),
            "a.deposit(-10)": await outcome(a.deposit(-10)),
            "transfer(a, b, -10)": await outcome(transfer(a, b, -10)),
        }
        after = (a.balance, b.balance)
        zero = (await a.withdraw(0), await transfer(a, b, 0))
        return errors, after, zero, (a.balance, b.balance)

    errors, after, zero, final = run(scenario, "negative and zero amounts")
    for call, error in errors.items():
        assert isinstance(error, ValueError), (
            f"{call} should raise ValueError (a negative amount is refused); it "
            + ("returned" if error is None else f"raised {error!r}"))
    assert after == (100, 100), (
        f"refused negative amounts must change nothing; the balances went from (100, 100) to "
        f"{after}")
    assert zero == (True, True) and final == (100, 100), (
        f"an amount of 0 is allowed: withdraw(0) and transfer(a, b, 0) should return True and "
        f"change nothing; got {zero} and balances {final}")


def test_audit_comes_between_check_and_update():
    async def scenario():
        a, b = Account(100), Account(5)
        log = []

        def recorder(name, acct):
            async def audit(op, amount):
                log.append((name, op, amount, acct.balance))
                await asyncio.sleep(0)
            return audit

        a.audit, b.audit = recorder("a", a), recorder("b", b)
        await a.withdraw(30)
        await a.withdraw(500)
        await b.deposit(10)
        await transfer(a, b, 20)
        await transfer(b, a, 100)
        return log, (a.balance, b.balance)

    log, final = run(scenario, "withdraw, deposit and transfers with recording audits")
    expected = [("a", "withdraw", 30, 100), ("b", "deposit", 10, 5),
                ("a", "withdraw", 20, 70), ("b", "deposit", 20, 15)]
    assert log == expected, (
        "each audit call, as (account, op, amount, balance when audit was called), should be "
        f"{expected}: a withdraw awaits audit('withdraw', amount), a deposit "
        "audit('deposit', amount), a transfer src.audit('withdraw', ...) then "
        "dst.audit('deposit', ...), each after the funds check and before the balance changes; "
        f"refused operations are not audited. Got {log}")
    assert final == (50, 35), f"the balances should end at (50, 35); got {final}"


# -- transfer: results and edge cases --------------------------------------------------


def test_transfer_moves_money():
    async def scenario():
        a, b = Account(100), Account(0)
        first = await transfer(a, b, 100)
        moved = (a.balance, b.balance)
        back = await transfer(b, a, 40)
        return first, moved, back, (a.balance, b.balance)

    first, moved, back, final = run(scenario, "transfer(a, b, 100), transfer(b, a, 40)")
    assert (first, moved) == (True, (0, 100)), (
        f"transfer(a, b, 100) with a=100, b=0 should return True and leave (0, 100) (the whole "
        f"balance may be moved); got {first!r} and {moved}")
    assert (back, final) == (True, (40, 60)), (
        f"then transfer(b, a, 40) should return True and leave (40, 60); got {back!r} and {final}")


def test_transfer_without_funds_changes_nothing():
    async def scenario():
        a, b = Account(30), Account(70)
        audits = []

        async def audit(op, amount):
            audits.append((op, amount))

        a.audit = b.audit = audit
        return await transfer(a, b, 31), (a.balance, b.balance), audits

    result, balances, audits = run(scenario, "transfer(a, b, 31) with a=30")
    assert (result, balances) == (False, (30, 70)), (
        f"transfer(a, b, 31) with a=30, b=70 should return False and change nothing; got "
        f"{result!r} and balances {balances}")
    assert audits == [], f"a refused transfer should not be audited; audit got {audits}"


def test_transfer_to_the_same_account():
    async def scenario():
        a = Account(100)
        return await transfer(a, a, 30), await transfer(a, a, 300), a.balance

    ok, refused, balance = run(scenario, "transfer(a, a, 30) and transfer(a, a, 300)",
                               advice=SAME_ACCOUNT_ADVICE, timeout=DEADLOCK_TIMEOUT)
    assert (ok, refused, balance) == (True, False, 100), (
        "transfer(a, a, amount) changes nothing and returns whether a holds the amount: with "
        f"a=100, transfer(a, a, 30) should be True and transfer(a, a, 300) False, a staying 100; "
        f"got {ok!r}, {refused!r} and {balance}")


def test_operations_wait_for_the_account_lock():
    async def scenario():
        a, b = Account(100), Account(100)
        seen = {}
        for name, held, make in [
            ("a.withdraw(10)", a, lambda: a.withdraw(10)),
            ("a.deposit(10)", a, lambda: a.deposit(10)),
            ("transfer(a, b, 10) while the test holds a.lock", a, lambda: transfer(a, b, 10)),
            ("transfer(a, b, 10) while the test holds b.lock", b, lambda: transfer(a, b, 10)),
        ]:
            await held.lock.acquire()
            before = (a.balance, b.balance)
            task = asyncio.create_task(make())
            for _ in range(20):
                await asyncio.sleep(0)
            seen[name] = (task.done(), a.balance, b.balance, before)
            held.lock.release()
            await task
        return seen

    seen = run(scenario, "operations while the test holds an account's lock")
    for name, (done, a_balance, b_balance, before) in seen.items():
        assert not done and (a_balance, b_balance) == before, (
            f"{name}: while the test held the account's lock, the operation "
            + ("finished" if done else f"changed the balances to {(a_balance, b_balance)}")
            + ". Every operation on an account must take `account.lock` (an asyncio.Lock made "
            "in __init__) and hold it from the check to the update; a transfer holds both "
            "accounts' locks.")


def test_failing_audit_changes_nothing():
    async def scenario():
        a, b = Account(100), Account(100)

        async def failing(op, amount):
            await asyncio.sleep(0)
            raise AuditFailed(op)

        found = {}
        b.audit = failing
        found["transfer(a, b, 30) (b's audit raises)"] = (
            await outcome(transfer(a, b, 30)), (a.balance, b.balance),
            a.lock.locked() or b.lock.locked())
        del b.audit
        a.audit = failing
        for name, make in [("transfer(a, b, 30) (a's audit raises)", lambda: transfer(a, b, 30)),
                           ("a.withdraw(30)", lambda: a.withdraw(30)),
                           ("a.deposit(30)", lambda: a.deposit(30))]:
            found[name] = (await outcome(make()), (a.balance, b.balance),
                           a.lock.locked() or b.lock.locked())
        del a.audit
        found["transfer(a, b, 30) with working audits"] = (
            await transfer(a, b, 30), (a.balance, b.balance), a.lock.locked() or b.lock.locked())
        return found

    found = run(scenario, "operations whose audit raises")
    *failing, (last_name, last) = found.items()
    for name, (error, balances, locked) in failing:
        assert isinstance(error, AuditFailed), (
            f"{name}: the audit raised AuditFailed, and the operation should raise it too; it "
            + ("returned" if error is None else f"raised {error!r}"))
        assert balances == (100, 100), (
            f"{name}: the audit raised, so no balance may change (no money created or lost); "
            f"the balances went from (100, 100) to {balances}. Change the balances only after "
            "every audit of the operation has returned.")
        assert not locked, (
            f"{name}: after the audit raised, an account's lock was still held. Take locks "
            "with `async with`, which releases them when an exception passes through.")
    assert last[:2] == (True, (70, 130)), (
        f"after the failed audits, {last_name} should return True and leave (70, 130); got "
        f"{last[0]!r} and {last[1]}")


def test_cancelled_transfer_changes_nothing():
    async def scenario():
        a, b = Account(100), Account(100)
        entered = asyncio.Event()

        async def endless(op, amount):
            entered.set()
            await asyncio.Event().wait()  # the audit never answers

        b.audit = endless
        task = asyncio.create_task(transfer(a, b, 30))
        await entered.wait()
        task.cancel()
        cancelled = isinstance(await _ended(task), asyncio.CancelledError)
        del b.audit
        state = (a.balance, b.balance), a.lock.locked() or b.lock.locked()
        return cancelled, state, await transfer(a, b, 30), (a.balance, b.balance)

    cancelled, (balances, locked), then, final = run(scenario, "a transfer cancelled in b's audit")
    assert cancelled, "transfer(a, b, 30) was cancelled while it awaited b's audit, and should " \
        "end cancelled (let CancelledError pass)"
    assert balances == (100, 100), (
        "transfer(a, b, 30) was cancelled while it awaited b's audit: no balance may change; "
        f"the balances went from (100, 100) to {balances}. Change both balances only after "
        "both audits have returned.")
    assert not locked, "after the cancelled transfer, an account's lock was still held"
    assert (then, final) == (True, (70, 130)), (
        f"after the cancelled transfer, transfer(a, b, 30) should return True and leave "
        f"(70, 130); got {then!r} and {final}")


async def _ended(task):
    """How the task ended: its exception (CancelledError included), or None."""
    try:
        await task
    except BaseException as exc:  # noqa: BLE001 - CancelledError is the point
        return exc
    return None


def test_transfer_balances_change_together():
    async def scenario():
        accounts = [Account(100) for _ in range(3)]
        total = 300
        seen = []

        async def audit(op, amount):
            balances = [acct.balance for acct in accounts]
            if sum(balances) != total:
                seen.append(balances)

        for acct in accounts:
            acct.audit = await_points(audit)
        a, b, c = accounts
        await asyncio.gather(transfer(a, b, 30), transfer(b, c, 50), transfer(c, a, 70),
                             transfer(a, c, 10), transfer(b, a, 20))
        return seen, [acct.balance for acct in accounts]

    seen, final = run(scenario, "transfers between three accounts, each audit adding them up",
                      advice=DEADLOCK_ADVICE, timeout=DEADLOCK_TIMEOUT)
    assert not seen, (
        "while transfers were awaiting their audits, the three balances once added up to "
        f"{sum(seen[0])} ({seen[0]}), not 300: a transfer had changed one account and not yet "
        "the other, and any task could see the money in flight. Hold both locks, await both "
        "audits, then update both balances together (no await in between), instead of "
        "withdrawing and then depositing.")
    assert sum(final) == 300 and min(final) >= 0, f"money was created or lost: {final}"


def test_transfers_between_unrelated_accounts_run_at_once():
    async def scenario():
        rec = Intervals()

        async def slow(key, amount):
            await asyncio.sleep(0.01)

        recorded = rec.wrap(slow)

        def audit_for(name):
            async def audit(op, amount):
                await recorded(f"{name}.audit({op!r})", amount)
            return audit

        a, b, c, d = (Account(100) for _ in range(4))
        for name, acct in zip("abcd", (a, b, c, d), strict=True):
            acct.audit = audit_for(name)
        await asyncio.gather(transfer(a, b, 10), transfer(c, d, 10))
        return rec

    rec = run(scenario, "transfer(a, b, 10) and transfer(c, d, 10) at once",
              advice=DEADLOCK_ADVICE, timeout=DEADLOCK_TIMEOUT)
    try:
        assert_concurrent(rec, "transfer(a, b, 10) and transfer(c, d, 10) (four different "
                          "accounts)")
    except Diagnosed as exc:
        raise Diagnosed(replace(exc.diagnosis, advice=(
            "Two transfers between four different accounts waited for each other: one lock "
            "for the whole bank (or for all transfers) makes every transfer wait for every "
            "other one. Lock only the two accounts of the transfer: `src.lock` and `dst.lock`, "
            "in one global order."))) from exc


def test_many_concurrent_transfers_conserve_money():
    rng = random.Random(4321)
    plan = [(*rng.sample(range(5), 2), rng.randrange(0, 80)) for _ in range(200)]

    async def scenario():
        accounts = [Account(100) for _ in range(5)]
        yielding(*accounts)
        results = await asyncio.gather(
            *(transfer(accounts[s], accounts[d], amount) for s, d, amount in plan))
        return results, [acct.balance for acct in accounts]

    results, final = run(scenario, "200 transfers at once between 5 accounts",
                         advice=DEADLOCK_ADVICE, timeout=DEADLOCK_TIMEOUT)
    assert sum(final) == 500 and min(final) >= 0, (
        f"after 200 concurrent transfers between 5 accounts of 100, the balances are {final}: "
        "money was created or lost, or an account went below zero")
    expected = [100] * 5
    for (s, d, amount), done in zip(plan, results, strict=True):
        if done:
            expected[s] -= amount
            expected[d] += amount
    assert final == expected, (
        f"the balances {final} do not match the transfers that returned True (they give "
        f"{expected}): a transfer must return True exactly when it moved the money")


# -- the must-catch mistakes -----------------------------------------------------------


@pytest.mark.lesson
def test_concurrent_withdraws_never_overdraw():
    async def scenario():
        acct = Account(100)
        yielding(acct)
        results = await asyncio.gather(*(acct.withdraw(40) for _ in range(6)))
        return results, acct.balance

    results, balance = run(scenario, "6 withdraw(40) at once from Account(100)")
    if balance < 0 or results.count(True) > 2:
        raise RaceFound(
            f"overdraft: 6 tasks withdrew 40 each from an account of 100 at once; "
            f"{results.count(True)} of them succeeded and the balance ended at {balance}. Each "
            "one checked the balance, then awaited the audit, and meanwhile the others checked "
            "the same old balance: check-then-act across an await. Hold the account's "
            "asyncio.Lock (`async with self.lock:`) from the check until the balance is "
            "updated, the audit included.")
    assert (sorted(results), balance) == ([False] * 4 + [True] * 2, 20), (
        f"6 withdraw(40) from 100 should give 2 True and 4 False, leaving 20; got {results} "
        f"and {balance}")


@pytest.mark.lesson
def test_concurrent_deposits_lose_nothing():
    async def scenario():
        acct = Account(0)
        yielding(acct)
        await asyncio.gather(*(acct.deposit(n) for n in range(1, 11)))
        return acct.balance

    balance = run(scenario, "deposit(1) ... deposit(10) at once on Account(0)")
    if balance != 55:
        raise RaceFound(
            f"lost deposit: deposits of 1 to 10 at once onto 0 left {balance}, not 55. A "
            "deposit read the balance, awaited the audit, and then wrote its old reading plus "
            "its amount over what the others had added meanwhile: read-modify-write across an "
            "await. Hold the account's lock from the read to the write (or read the balance "
            "only after the audit).")


@pytest.mark.lesson
def test_transfers_and_withdraws_never_overdraw():
    async def scenario():
        a, b, c = Account(100), Account(0), Account(0)
        yielding(a, b, c)
        results = await asyncio.gather(transfer(a, b, 60), a.withdraw(60), transfer(a, c, 60),
                                       a.withdraw(60))
        return results, (a.balance, b.balance, c.balance)

    results, balances = run(scenario, "transfers and withdraws of 60 at once from a=100")
    successes = results.count(True)
    if balances[0] < 0 or successes > 1:
        raise RaceFound(
            f"overdraft: two transfers and two withdraws of 60 ran at once on a=100; {successes} "
            f"of them succeeded, leaving a={balances[0]}. Each one checked a's balance and "
            "then awaited an audit while the others checked the same old balance: "
            "check-then-act across an await. transfer must hold src's lock (and dst's) from the "
            "funds check to the update, like withdraw.")
    withdrawn = 100 - balances[0] - balances[1] - balances[2]
    assert successes == 1 and balances[0] == 40 and withdrawn in (0, 60), (
        f"exactly one of the four operations should succeed, leaving a=40; got {results} "
        f"and balances (a, b, c) = {balances}")


@pytest.mark.lesson
def test_opposite_transfers_do_not_deadlock():
    async def scenario():
        a, b = Account(100), Account(100)
        yielding(a, b)
        # The test holds both locks while the two transfers start and wait ...
        await a.lock.acquire()
        await b.lock.acquire()
        one = asyncio.create_task(transfer(a, b, 10), name="transfer(a, b, 10)")
        other = asyncio.create_task(transfer(b, a, 20), name="transfer(b, a, 20)")
        for _ in range(50):
            if waiting_on(a.lock) + waiting_on(b.lock) >= 2:
                break
            await asyncio.sleep(0)
        # ... and lets both go in one step: each may now get its first lock before
        # either asks for its second.
        a.lock.release()
        b.lock.release()
        return await asyncio.gather(one, other), (a.balance, b.balance)

    results, balances = run(scenario, "transfer(a, b, 10) and transfer(b, a, 20) at once",
                            advice=DEADLOCK_ADVICE, timeout=DEADLOCK_TIMEOUT)
    assert (results, balances) == ([True, True], (110, 90)), (
        f"transfer(a, b, 10) and transfer(b, a, 20) with 100 each should both return True and "
        f"leave (110, 90); got {results} and {balances}")


@pytest.mark.lesson
def test_transfers_both_ways_do_not_deadlock():
    async def scenario():
        a, b, c = Account(1000), Account(1000), Account(1000)
        yielding(a, b, c)
        pairs = [(a, b), (b, a), (b, c), (c, b), (c, a), (a, c)] * 5
        return await asyncio.gather(*(transfer(s, d, 10) for s, d in pairs))

    results = run(scenario, "30 transfers between a, b and c in every direction at once",
                  advice=DEADLOCK_ADVICE, timeout=DEADLOCK_TIMEOUT)
    assert results == [True] * 30, f"every transfer had the funds and should return True: {results}"


@pytest.mark.lesson
def test_waiting_for_the_lock_does_not_block_the_loop():
    async def scenario():
        acct = Account(100)

        async def slow(op, amount):
            await asyncio.sleep(0.02)  # the first task holds the lock meanwhile

        acct.audit = slow
        results = await asyncio.gather(acct.withdraw(30), acct.withdraw(30), acct.deposit(5))
        return results, acct.balance, type(acct.lock)

    results, balance, lock_type = run(scenario, "two withdraws and a deposit at once",
                                      advice=BLOCKING_ADVICE)
    assert issubclass(lock_type, asyncio.Lock), (
        f"Account.lock is a {lock_type.__module__}.{lock_type.__qualname__}, not an "
        "asyncio.Lock. A thread's lock does not work for tasks: a threading.Lock that a second "
        "task wants blocks the loop's thread (and the holder can never run to release it), "
        "and a threading.RLock lets every task in, since they all run on one thread. Use "
        "`self.lock = asyncio.Lock()` and `async with self.lock:`.")
    assert (results, balance) == ([True, True, None], 45), (
        f"withdraw(30), withdraw(30) and deposit(5) on 100 should give True, True, None and "
        f"leave 45; got {results} and {balance}: an update was lost while the operations "
        "waited for the lock or in their audits")
