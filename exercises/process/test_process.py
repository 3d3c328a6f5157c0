"""Public tests for the process exercise. Run them with `grader check process`
(or `pytest` in this folder)."""

from __future__ import annotations

import multiprocessing
import os

from process import CountdownProcess, run_countdowns

from grader.testing import call_with_deadline


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
