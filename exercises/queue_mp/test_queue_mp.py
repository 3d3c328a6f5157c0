"""Public tests for the queue_mp exercise. Run them with `grader check queue_mp`
(or `pytest` in this folder)."""

from __future__ import annotations

import os

import pytest
import queue_mp

from grader.testing import DeadlineExceeded, call_with_deadline
from grader.testing.tasks import square, where
from grader.testing.tasks_queue_mp import worst_queue_timing

DEADLINE = 3.0  # seconds: a hang fails the test instead of blocking forever

pytestmark = pytest.mark.timeout_s(30)

LATE = ("Here the queues show the worst timing they allow. (1) The tasks reach the queue only "
        "after the workers started: a put() returns at once and the item is sent later, so a "
        "worker that stops when tasks.empty() is True quits before its work arrives; block in "
        "get() until the sentinel arrives instead. (2) JoinableQueue.join() returns only when "
        "task_done() was called once for every item put, the sentinels included.")


@pytest.fixture(autouse=True)
def _tasks_sent_late():
    """In every test the queues show the worst timing they allow: an item is
    sent only once the workers wait for work, and empty() says True until
    get() (see grader.testing.tasks_queue_mp.worst_queue_timing)."""
    with worst_queue_timing():
        yield


@pytest.mark.lesson
def test_squares_in_order():
    try:
        got = call_with_deadline(queue_mp.process_all, range(10), square, deadline=DEADLINE,
                                 what="process_all(range(10), square)")
    except DeadlineExceeded as exc:
        pytest.fail(f"{exc}\n\n{LATE}", pytrace=False)
    assert got == [x * x for x in range(10)], f"expected the squares of 0..9 in order, got {got!r}"


@pytest.mark.lesson
def test_handler_runs_in_other_processes():
    try:
        got = call_with_deadline(queue_mp.process_all, ["a", "b", "c"], where, deadline=DEADLINE,
                                 what="process_all(['a', 'b', 'c'], where)")
    except DeadlineExceeded as exc:
        pytest.fail(f"{exc}\n\n{LATE}", pytrace=False)
    assert [x for _, x in got] == ["a", "b", "c"], f"results out of order: {got!r}"
    assert all(pid != os.getpid() for pid, _ in got), (
        "the handler ran in the calling process: it should run in the worker processes")
