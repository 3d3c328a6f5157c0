"""Public tests for ConcurrencyLimiter. Run them with `grader check limiter`.

The hidden tests check more: n callers inside at once and the next one waiting,
slots freed when the body raises, stray releases, both forms (with and @).
"""

import threading

import pytest
from limiter import ConcurrencyLimiter

from grader.testing import call_with_deadline, run_in_threads


def test_with_block_twice():
    limiter = ConcurrencyLimiter(1)
    ran = []

    def body():
        with limiter:
            ran.append(len(ran))

    call_with_deadline(body, what="a first `with limiter:` block (n=1)")
    call_with_deadline(body, what="a second `with limiter:` block: was the slot given back?")
    assert ran == [0, 1]


def test_decorator_returns_value():
    limiter = ConcurrencyLimiter(2)

    @limiter
    def add(a, b):
        return a + b

    got = call_with_deadline(add, 2, 3, what="add(2, 3) decorated with @limiter")
    assert got == 5, f"add(2, 3) decorated with @limiter returned {got!r}, expected 5"


@pytest.mark.lesson
def test_two_inside_at_once():
    limiter = ConcurrencyLimiter(2)
    both_inside = threading.Barrier(2)

    def body():
        with limiter:
            both_inside.wait()  # returns only once both threads are inside

    run_in_threads([body, body], what="two threads meeting inside a limiter of n=2")


@pytest.mark.lesson
def test_stray_release_raises_value_error():
    limiter = ConcurrencyLimiter(2)
    with pytest.raises(ValueError):
        limiter.release()
