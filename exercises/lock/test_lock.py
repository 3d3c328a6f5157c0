"""Public tests for the lock exercise: run them with ``grader check lock``.

The hidden tests check more: several threads withdrawing the last money at
once, a body that raises while the lock is held, and that two accounts do not
wait for each other's lock.
"""

import lock
from lock import Account

from grader.testing import (
    RaceFound,
    base_seed,
    call_with_deadline,
    inject_switches,
    run_in_threads,
)


def test_deposit_and_withdraw():
    acc = Account(100)
    call_with_deadline(acc.deposit, 50, what="deposit(50)")
    assert call_with_deadline(acc.withdraw, 30, what="withdraw(30)") is True, (
        "withdraw(30) from a balance of 150 should return True"
    )
    assert acc.balance == 120, f"100 + 50 - 30 should leave 120, got {acc.balance}"


def test_overdraft_is_refused():
    acc = Account(20)
    assert call_with_deadline(acc.withdraw, 21, what="withdraw(21)") is False, (
        "withdraw(21) from a balance of 20 must be refused (return False)"
    )
    assert acc.balance == 20, f"a refused withdrawal must change nothing, balance is {acc.balance}"


def test_accounts_are_independent():
    a, b = Account(), Account(5)
    a.deposit(3)
    assert (a.balance, b.balance) == (3, 5), (
        f"two accounts must not share their balance: got {a.balance} and {b.balance}, "
        "expected 3 and 5"
    )


def test_no_lost_deposits_with_forced_switches():
    acc = Account()
    threads, per_thread = 4, 200

    def work():
        for _ in range(per_thread):
            acc.deposit(1)

    with inject_switches(lock):
        run_in_threads([work] * threads, timeout=20, what="the depositing threads")
    if acc.balance != threads * per_thread:
        raise RaceFound(
            f"{threads} threads each deposited 1, {per_thread} times: expected "
            f"{threads * per_thread}, got {acc.balance}. Hold the lock around the whole "
            f"update (thread switches injected with seed {base_seed()})"
        )
