"""Public tests for the abank exercise: run them with `grader check abank`
(or `pytest` in this folder).

Every test runs its own coroutine through `run_async`: a fresh event loop on a
thread of its own, watched, so that a task that waits forever or a blocked
loop fails one test with a named diagnosis instead of hanging. The accounts'
audits are replaced by test versions that yield to the loop (`await_points`):
the other tasks then run between your check and your update, every run.
"""

import asyncio
from dataclasses import replace

import pytest
from abank import Account, transfer

from grader.testing import RaceFound
from grader.testing.aio import Diagnosed, await_points, run_async

DEADLOCK_ADVICE = (
    "transfer(a, b) and transfer(b, a) ran at the same time, and each one held one "
    "account's lock while waiting for the other's: a deadlock. Take the two locks in one "
    "global order, whatever the direction: `first, second = sorted((src, dst), key=id)`, "
    "then `async with first.lock, second.lock:`."
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
    """An audit that does nothing but let the other tasks run (await_points yields)."""


def test_withdraw_and_deposit():
    async def scenario():
        acct = Account(100)
        first = await acct.withdraw(30)
        after_first = acct.balance
        too_much = await acct.withdraw(80)
        after_too_much = acct.balance
        await acct.deposit(50)
        return first, after_first, too_much, after_too_much, acct.balance

    first, after_first, too_much, after_too_much, final = run(
        scenario, "withdraw(30), withdraw(80), deposit(50) on Account(100)")
    assert (first, after_first) == (True, 70), (
        f"withdraw(30) from 100 should return True and leave 70; got {first!r} and {after_first}")
    assert (too_much, after_too_much) == (False, 70), (
        f"withdraw(80) from 70 should return False and change nothing; got {too_much!r} "
        f"and a balance of {after_too_much}")
    assert final == 120, f"deposit(50) onto 70 should leave 120; got {final}"


def test_transfer_moves_money():
    async def scenario():
        a, b = Account(100), Account(20)
        done = await transfer(a, b, 30)
        moved = (a.balance, b.balance)
        refused = await transfer(b, a, 500)
        return done, moved, refused, (a.balance, b.balance)

    done, moved, refused, after = run(scenario, "transfer(a, b, 30), transfer(b, a, 500)")
    assert (done, moved) == (True, (70, 50)), (
        f"transfer(a, b, 30) with a=100, b=20 should return True and leave 70 and 50; "
        f"got {done!r} and {moved}")
    assert (refused, after) == (False, (70, 50)), (
        f"transfer(b, a, 500) with b=50 should return False and change nothing; got "
        f"{refused!r} and balances {after}")


@pytest.mark.lesson
def test_concurrent_withdraws_do_not_overdraw():
    async def scenario():
        acct = Account(100)
        acct.audit = await_points(quiet_audit)
        results = await asyncio.gather(*(acct.withdraw(30) for _ in range(5)))
        return results, acct.balance

    results, balance = run(scenario, "5 withdraw(30) at once from Account(100)")
    if balance < 0 or results.count(True) > 3:
        raise RaceFound(
            f"overdraft: 5 tasks withdrew 30 each from an account of 100 at once; "
            f"{results.count(True)} of them succeeded and the balance ended at {balance}. "
            "Each one checked the balance, then awaited the audit, and the others checked the "
            "same old balance meanwhile: check-then-act across an await. Hold the account's "
            "asyncio.Lock (`async with self.lock:`) from the check until the balance is "
            "updated, the audit included.")
    assert (sorted(results), balance) == ([False, False, True, True, True], 10), (
        f"5 withdraw(30) from 100 should give 3 True, 2 False and leave 10; got {results} "
        f"and {balance}")


@pytest.mark.lesson
def test_transfers_both_ways_at_once():
    async def scenario():
        a, b = Account(1000), Account(1000)
        a.audit, b.audit = await_points(quiet_audit), await_points(quiet_audit)
        results = await asyncio.gather(
            *(transfer(a, b, 10) if i % 2 else transfer(b, a, 20) for i in range(20)))
        return results, a.balance, b.balance

    results, a_balance, b_balance = run(
        scenario, "10 transfer(a, b, 10) and 10 transfer(b, a, 20) at once",
        advice=DEADLOCK_ADVICE, timeout=2.0)
    assert results == [True] * 20, f"every transfer had the funds and should return True: {results}"
    assert (a_balance, b_balance) == (1100, 900), (
        f"after 10 transfers of 10 from a to b and 10 of 20 from b to a (1000 each), expected "
        f"a=1100 and b=900; got {a_balance} and {b_balance}")
