"""Hidden tests for the race exercise.

Since CPython 3.10 ``self._value += n`` almost never loses an update on its
own, so every test here runs the student's code under ``inject_switches``: the
GIL is handed to another thread at random (seeded) bytecodes of race.py, which
opens the window between the read and the write of an unprotected update on
every run. A counter whose read-modify-write holds one shared lock never loses
an update, whatever the switches.
"""

import pytest
import race
from race import Counter

from grader.testing import RaceFound, base_seed, inject_switches, run_in_threads

THREADS = 4
OPS = 300  # per thread: the traced code runs about 12x slower, keep it small

HINT = (
    "`self._value += n` is three steps (read, add, write); when another thread runs "
    "between the read and the write, one thread's update overwrites the other's. "
    "Hold one lock, created once in __init__ and shared by every thread, around the "
    "whole read-modify-write in both increment and decrement."
)


def _run_with_switches(workers, what):
    with inject_switches(race):
        run_in_threads(workers, timeout=20, what=what)


def _lost(what, expected, got):
    return (
        f"{what}: expected the value {expected}, got {got} "
        f"({abs(expected - got)} off). {HINT} "
        f"(thread switches injected with seed {base_seed()})"
    )


@pytest.mark.lesson
def test_increments_from_many_threads():
    c = Counter()

    def work():
        for _ in range(OPS):
            c.increment()

    _run_with_switches([work] * THREADS, "the incrementing threads")
    expected = THREADS * OPS
    if c.value != expected:
        raise RaceFound(_lost(
            f"{THREADS} threads each called increment() {OPS} times", expected, c.value))


@pytest.mark.lesson
def test_decrements_from_many_threads():
    c = Counter()

    def work():
        for _ in range(OPS):
            c.decrement()

    _run_with_switches([work] * THREADS, "the decrementing threads")
    expected = -THREADS * OPS
    if c.value != expected:
        raise RaceFound(_lost(
            f"{THREADS} threads each called decrement() {OPS} times (is decrement locked "
            "too?)", expected, c.value))


@pytest.mark.lesson
def test_mixed_increments_and_decrements():
    c = Counter()
    # Big increments, small decrements: the lost updates can never cancel out
    # (fewer than 1000 decrements in all), so any lost update shows.
    big, small = 1000, 1

    def incrementer():
        for _ in range(OPS):
            c.increment(big)

    def decrementer():
        for _ in range(OPS):
            c.decrement(small)

    _run_with_switches([incrementer, decrementer] * (THREADS // 2),
                       "the incrementing and decrementing threads")
    expected = (THREADS // 2) * OPS * (big - small)
    if c.value != expected:
        raise RaceFound(_lost(
            f"{THREADS // 2} threads each called increment({big}) and {THREADS // 2} threads "
            f"decrement({small}), {OPS} times each; increment and decrement must use the "
            "same lock", expected, c.value))


@pytest.mark.lesson
def test_increments_of_different_sizes():
    c = Counter()
    steps = (1, 2, 5, 7)

    def work(step):
        def run():
            for _ in range(OPS):
                c.increment(step)
        return run

    _run_with_switches([work(step) for step in steps], "the threads")
    expected = sum(step * OPS for step in steps)
    if c.value != expected:
        raise RaceFound(_lost(
            f"4 threads called increment(step) {OPS} times each, with step 1, 2, 5 and 7",
            expected, c.value))


def test_separate_counters_in_parallel():
    counters = [Counter() for _ in range(THREADS)]

    def work(c):
        def run():
            for _ in range(OPS):
                c.increment(2)
                c.decrement()
        return run

    _run_with_switches([work(c) for c in counters], "the threads")
    values = [c.value for c in counters]
    if values != [OPS] * THREADS:
        raise RaceFound(
            f"{THREADS} threads each updated their own counter ({OPS} x increment(2) and "
            f"decrement()); every counter should read {OPS}, got {values}. Counters must "
            "not share state: keep the value on `self`. "
            f"(thread switches injected with seed {base_seed()})"
        )
