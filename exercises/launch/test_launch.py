"""Public tests for run_concurrently. Run them with `grader check launch`.

The hidden tests check more: that every call runs in a thread of its own, all
at the same time, that results keep the input order whatever order the calls
finish in, and more about exceptions and the timeout.
"""

import threading

import pytest
from launch import run_concurrently

from grader.testing import call_with_deadline


def test_results():
    got = call_with_deadline(run_concurrently, pow, [(2, 3), (3, 2)], deadline=10)
    assert got == [8, 9]


def test_no_calls():
    assert call_with_deadline(run_concurrently, abs, [], deadline=10) == []


@pytest.mark.lesson
def test_exception_is_reraised():
    def func(x):
        if x == 1:
            raise ValueError("bad x")
        return x

    with pytest.raises(ValueError):
        call_with_deadline(run_concurrently, func, [(0,), (1,), (2,)], deadline=10)


def test_timeout():
    release = threading.Event()
    try:
        with pytest.raises(TimeoutError):
            call_with_deadline(run_concurrently, lambda: release.wait(5), [(), ()],
                               timeout=0.1, deadline=3,
                               what="run_concurrently(slow, [(), ()], timeout=0.1)")
    finally:
        release.set()
