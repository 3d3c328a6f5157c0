"""Public tests for the queue_mp exercise. Run them with `grader check queue_mp`
(or `pytest` in this folder)."""

from __future__ import annotations

import os

import pytest
import queue_mp

from grader.testing import call_with_deadline
from grader.testing.tasks import square, where

DEADLINE = 3.0  # seconds: a hang fails the test instead of blocking forever

pytestmark = pytest.mark.timeout_s(30)


@pytest.mark.lesson
def test_squares_in_order():
    got = call_with_deadline(queue_mp.process_all, range(10), square, deadline=DEADLINE,
                             what="process_all(range(10), square)")
    assert got == [x * x for x in range(10)], f"expected the squares of 0..9 in order, got {got!r}"


@pytest.mark.lesson
def test_handler_runs_in_other_processes():
    got = call_with_deadline(queue_mp.process_all, ["a", "b", "c"], where, deadline=DEADLINE,
                             what="process_all(['a', 'b', 'c'], where)")
    assert [x for _, x in got] == ["a", "b", "c"], f"results out of order: {got!r}"
    assert all(pid != os.getpid() for pid, _ in got), (
        "the handler ran in the calling process: it should run in the worker processes")
