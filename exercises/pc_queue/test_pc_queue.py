"""Public tests for parallel_map_threads. Run them with `grader check pc_queue`.

The hidden tests check more: results when items finish out of order, that
several workers really run, items that arrive late, and leaked threads.
"""

import threading

import pytest
from pc_queue import parallel_map_threads

from grader.testing import call_with_deadline, wait_until


def _run(func, items, **kwargs):
    return call_with_deadline(parallel_map_threads, func, items,
                              what="parallel_map_threads(...)", **kwargs)


def test_squares_in_order():
    assert _run(lambda x: x * x, range(10), n_workers=3) == [x * x for x in range(10)]


def test_empty():
    assert _run(abs, [], n_workers=2) == []


def test_exception_is_reraised():
    def func(x):
        if x == 2:
            raise ValueError("two")
        return x

    with pytest.raises(ValueError, match="two"):
        _run(func, range(5), n_workers=2)


def test_no_worker_left_running():
    before = set(threading.enumerate())
    _run(str, range(20), n_workers=4)

    def left():
        return [t for t in threading.enumerate() if t not in before]

    assert wait_until(lambda: not left(), timeout=2), (
        f"threads still running after the call returned: {[t.name for t in left()]}; "
        "give every worker a sentinel and join it"
    )
