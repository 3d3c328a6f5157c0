"""Hidden tests for the pc_queue exercise (parallel_map_threads).

The task functions the tests pass in coordinate with each other through Events
(with generous timeouts, so a wrong solution fails instead of hanging): item 0
holds its worker until other workers have made progress, which scrambles the
completion order and proves that several threads really ran ``func``. Every
call of the student's function goes through ``call_with_deadline`` (a missing
sentinel or a missing ``task_done`` hangs: that fails one test with a stack);
afterwards no thread started by the call may still be running.
"""

import threading

import pytest
from pc_queue import parallel_map_threads

from grader.testing import (
    DeadlineExceeded,
    call_with_deadline,
    is_test_call,
    wait_until,
    wait_until_blocked,
)

DEADLINE = 5.0  # for the whole call; a correct solution needs milliseconds
HOLD = 2.0  # longest time a task function waits for other workers

HANG_HINT = (
    "parallel_map_threads did not return. Usual causes: one sentinel for several "
    "workers (each worker needs its own, or the others wait in q.get() forever); "
    "q.join() while workers never call q.task_done() for each item they got; or "
    "joining a worker that is still waiting for an item."
)


def _run(func, items, **kwargs):
    """parallel_map_threads(func, items, **kwargs) under a deadline."""
    try:
        return call_with_deadline(parallel_map_threads, func, items, deadline=DEADLINE,
                                  what="parallel_map_threads(...)", **kwargs)
    except DeadlineExceeded as exc:
        raise DeadlineExceeded(f"{HANG_HINT}\n{exc}") from None


def _assert_no_thread_left(before, when):
    """Every thread started since ``before`` has ended (a short grace period
    lets a worker that has just been told to stop finish its last line)."""

    def left():
        return [t for t in threading.enumerate() if t not in before and t.is_alive()]

    if not wait_until(lambda: not left(), timeout=2.0):
        names = ", ".join(t.name for t in left())
        pytest.fail(
            f"{when}, {len(left())} thread(s) started by parallel_map_threads were still "
            f"running: {names}. Stop every worker before returning (one sentinel per "
            "worker, then join each thread); daemon threads waiting forever in q.get() "
            "are leaked threads.",
            pytrace=False,
        )


def _baseline():
    return set(threading.enumerate())


# --- results --------------------------------------------------------------------


@pytest.mark.lesson
def test_results_in_input_order():
    items = list(range(12))
    last_started = threading.Event()

    def func(x):
        if x == items[-1]:
            last_started.set()
        if x == 0:
            # Hold item 0 until the last item has started: by then most other
            # items have finished, so finishing order differs from input order.
            last_started.wait(HOLD)
        return x * 10

    before = _baseline()
    got = _run(func, items, n_workers=4)
    assert got == [x * 10 for x in items], (
        f"expected the results in input order {[x * 10 for x in items]}, got {got}. "
        "Item 0 finished last on purpose: keep each item's index with it on the queue "
        "and store each result at its index (not in the order they finish)."
    )
    _assert_no_thread_left(before, "after a call returned")


@pytest.mark.lesson
def test_default_n_workers_and_any_iterable():
    before = _baseline()
    got = _run(lambda x: x + 1, (x for x in range(20)))
    assert got == list(range(1, 21)), (
        f"parallel_map_threads(func, <a generator of 0..19>) returned {got}"
    )
    _assert_no_thread_left(before, "after a call returned")


@pytest.mark.lesson
def test_empty_items():
    before = _baseline()
    assert _run(lambda x: x, [], n_workers=3) == [], "no items: expected []"
    _assert_no_thread_left(before, "after a call with no items")


@pytest.mark.lesson
def test_more_workers_than_items():
    before = _baseline()
    got = _run(str, [1, 2], n_workers=6)
    assert got == ["1", "2"]
    _assert_no_thread_left(before, "after a call with 6 workers and 2 items")


# --- real worker threads ------------------------------------------------------------


@pytest.mark.lesson
def test_several_workers_run_func():
    ran_in = []
    names = set()
    lock = threading.Lock()
    second = threading.Event()

    def func(x):
        with lock:
            ran_in.append(threading.get_ident())
            names.add(threading.current_thread().name)
            if len(set(ran_in)) >= 2:
                second.set()
        if x == 0:
            second.wait(HOLD)  # item 0 holds its worker until another worker runs
        return -x

    before = _baseline()
    got = _run(func, list(range(10)), n_workers=3)
    assert got == [-x for x in range(10)]
    threads = set(ran_in)
    in_caller = any(is_test_call(name) for name in names)
    assert len(threads) >= 2, (
        "with n_workers=3 every call of func ran in one and the same thread"
        f"{' (the calling thread)' if in_caller else ''}, although item 0 waited for "
        "another worker: the items were processed one after the other. Start the worker "
        "threads first, and let each take items from the queue."
    )
    assert len(threads) <= 3, (
        f"with n_workers=3, func ran in {len(threads)} different threads: start exactly "
        "n_workers worker threads and let them share the items through the queue"
    )
    _assert_no_thread_left(before, "after a call returned")


@pytest.mark.lesson
def test_workers_wait_for_late_items():
    # The items come from a generator that holds back items 0 and 2 until every
    # thread started so far is idle: blocked (waiting in q.get(), as a worker
    # should) or ended (a worker that quit because the queue was empty).
    before = _baseline()
    me_and_caller = set()

    def settle():
        me_and_caller.add(threading.current_thread())
        for t in threading.enumerate():
            if t not in before and t not in me_and_caller and t.is_alive():
                wait_until_blocked(t, timeout=1.0)

    def late_items():
        for x in range(4):
            if x in (0, 2):
                settle()
            yield x

    got = _run(lambda x: x * x, late_items(), n_workers=2)
    assert got == [0, 1, 4, 9], (
        f"items 0..3 arrived while the workers were idle; expected [0, 1, 4, 9], got "
        f"{got}. A worker loop `while not q.empty():` quits as soon as the queue is "
        "momentarily empty, before the producer has put everything. Block in q.get() "
        "and stop on a sentinel instead."
    )
    _assert_no_thread_left(before, "after a call returned")


# --- exceptions -------------------------------------------------------------------


@pytest.mark.lesson
def test_first_exception_is_reraised():
    first_raised = threading.Event()

    def func(x):
        if x == 3:
            first_raised.set()
            raise ValueError("bad item 3")
        if x == 7:
            first_raised.wait(HOLD)  # fail only after item 3 has failed
            raise KeyError("bad item 7")
        return x

    before = _baseline()
    try:
        got = _run(func, list(range(10)), n_workers=3)
    except ValueError as exc:
        assert "bad item 3" in str(exc)
    except KeyError as exc:
        pytest.fail(f"re-raised {exc!r}, the second exception; expected the first one "
                    "(ValueError from item 3)", pytrace=False)
    else:
        pytest.fail(
            f"func raised ValueError for item 3, but parallel_map_threads returned {got}. "
            "Catch the exception in the worker (the worker must go on to its sentinel), "
            "keep it, and re-raise it in the caller after the workers have stopped.",
            pytrace=False,
        )
    _assert_no_thread_left(before, "after a call that re-raised an exception")


@pytest.mark.lesson
def test_exception_in_every_call():
    def func(x):
        raise RuntimeError(f"no {x}")

    before = _baseline()
    with pytest.raises(RuntimeError, match="no "):
        _run(func, list(range(8)), n_workers=4)
    _assert_no_thread_left(before, "after a call in which every item raised")
