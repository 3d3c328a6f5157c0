"""Public tests for the process exercise. Run them with `grader check process`
(or `pytest` in this folder)."""

from __future__ import annotations

import multiprocessing
import os

import pytest
from process import CountdownProcess, run_countdowns

from grader.testing import DeadlineExceeded, call_with_deadline, record_processes


def test_child_counts_down():
    q = multiprocessing.Queue()
    p = CountdownProcess(3, q)
    p.start()
    # Three small items fit in the queue's pipe, so joining first is safe here
    # (with many items it is not: see README.md).
    call_with_deadline(p.join, deadline=10, what="joining the process")
    items = []
    while len(items) < 3:
        items.append(q.get(timeout=1))
    assert items == [(p.pid, 3), (p.pid, 2), (p.pid, 1)]
    assert p.pid != os.getpid()


def test_run_countdowns():
    result = call_with_deadline(run_countdowns, [2, 3], deadline=10, what="run_countdowns([2, 3])")
    assert sorted(result.values()) == [[2, 1], [3, 2, 1]], f"got {result!r}"
    assert os.getpid() not in result, "the keys should be the children's pids"


@pytest.mark.lesson
def test_many_items_do_not_hang():
    # 10,000 items are about 250 kB of pickles, far more than the queue's pipe holds
    # (64 kB): the child can only exit once the parent has read most of them.
    count = 10_000
    try:
        with record_processes():  # ends a child left stuck, so it cannot outlive the test
            result = call_with_deadline(run_countdowns, [count], deadline=10,
                                        what=f"run_countdowns([{count}])")
    except DeadlineExceeded as exc:
        raise AssertionError(
            f"run_countdowns([{count}]) never returned. A child process does not exit until "
            "everything it put on the multiprocessing.Queue has been written into the "
            "queue's pipe, and the pipe holds only about 64 kB, so a join() before reading "
            "waits forever. Read (get) all the items first, then join the processes.\n"
            f"{exc}"
        ) from None
    lists = [list(v) for v in result.values()]
    assert lists == [list(range(count, 0, -1))], (
        f"run_countdowns([{count}]) should give {{child pid: [{count}, {count - 1}, ..., 1]}}; "
        f"it gave {len(lists)} list(s), of {[len(v) for v in lists]} items"
    )
