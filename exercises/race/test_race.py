"""Public tests for the race exercise: run them with ``grader check race``.

The last test forces thread switches between the bytecodes of race.py (see
README.md): on CPython 3.11 the plain racy counter rarely loses an update by
itself, but with the switches injected it loses some on every run.
"""

import pytest
import race
from race import Counter

from grader.testing import RaceFound, base_seed, inject_switches, run_in_threads


def test_counts_in_one_thread():
    c = Counter()
    assert c.value == 0, f"a new Counter should start at 0, not {c.value}"
    c.increment()
    c.increment(5)
    c.decrement()
    c.decrement(2)
    assert c.value == 3, (
        f"0 + 1 + 5 - 1 - 2 should be 3, got {c.value}: check the default n=1 and the signs"
    )


def test_value_is_a_property():
    assert isinstance(getattr(Counter, "value", None), property), (
        "`value` must be a property (read as `counter.value`, no parentheses): "
        "decorate the method with @property"
    )


def test_counters_are_independent():
    a, b = Counter(), Counter()
    a.increment(2)
    b.decrement(3)
    assert (a.value, b.value) == (2, -3), (
        f"two counters should not share their value: got a={a.value}, b={b.value} "
        "(expected 2 and -3); keep the value (and the lock) on `self`"
    )


@pytest.mark.lesson
def test_no_lost_updates_with_forced_switches():
    threads, per_thread = 4, 200
    c = Counter()

    def work():
        for _ in range(per_thread):
            c.increment()

    with inject_switches(race):
        run_in_threads([work] * threads, timeout=20, what="the incrementing threads")
    expected = threads * per_thread
    if c.value != expected:
        raise RaceFound(
            f"{threads} threads each called increment() {per_thread} times, so the value "
            f"should be {expected}, but it is {c.value}: {expected - c.value} updates were "
            "lost. `self._value += n` reads, adds and writes; a thread switch between the "
            "read and the write makes one thread overwrite another's update. Hold one lock, "
            "shared by every thread, around the whole read-modify-write. "
            f"(thread switches injected with seed {base_seed()})"
        )
