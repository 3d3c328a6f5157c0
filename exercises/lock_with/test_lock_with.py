"""Public tests for the lock_with exercise: run them with ``grader check lock_with``.

The hidden tests check more: that two calls of one decorated function really
exclude each other, that different functions get different locks, that a
function raising an exception does not leave the lock held, and the name and
docstring of the decorated function.
"""

import threading

import lock_with
from lock_with import synchronized

from grader.testing import (
    RaceFound,
    base_seed,
    call_with_deadline,
    inject_switches,
    run_in_threads,
)


def test_decorated_function_returns_its_result():
    @synchronized()
    def add(a, b=0):
        return a + b

    got = call_with_deadline(add, 2, b=3, what="add(2, b=3) decorated with @synchronized()")
    assert got == 5, f"the decorated add(2, b=3) should return 5, got {got!r}"


def test_given_lock_is_held_during_the_call():
    lk = threading.Lock()

    @synchronized(lk)
    def peek():
        return lk.locked()

    assert call_with_deadline(peek, what="peek() decorated with @synchronized(lk)") is True, (
        "inside a function decorated with @synchronized(lk), lk should be held"
    )
    assert not lk.locked(), "lk should be released when the decorated function returns"


def test_no_lost_updates_with_forced_switches():
    total = {"n": 0}

    def bump():
        n = total["n"]
        total["n"] = n + 1

    safe = synchronized()(bump)
    threads, per_thread = 4, 200

    def work():
        for _ in range(per_thread):
            safe()

    with inject_switches(lock_with, bump):
        run_in_threads([work] * threads, timeout=20, what="the threads calling bump()")
    if total["n"] != threads * per_thread:
        raise RaceFound(
            f"{threads} threads called the decorated bump() {per_thread} times each: expected "
            f"{threads * per_thread}, got {total['n']}. All calls must share one lock "
            f"(thread switches injected with seed {base_seed()})"
        )
