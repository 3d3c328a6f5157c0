"""Hidden tests for the perfmp exercise.

Exact sums for many (n, workers), including n = 0, 1 and n smaller than
workers (chunks that skip or repeat a number give a wrong total). Where the
work runs is checked by structure, not speed: the test records the processes
started through ``multiprocessing`` (``BaseProcess.start``, which Pool,
Process and ProcessPoolExecutor all use) and compares the CPU time used by
this process with the CPU time of its finished children (``os.times()``):
threads do all the work here, processes in the children.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import time

import pytest
from perfmp import parallel_sum_of_squares

from grader.testing import call_with_deadline, record_processes, wait_until

DEADLINE = 10.0  # seconds for one call: generous, so only a hang trips it
BIG_N = 1_500_000  # about 0.1-0.3 s of CPU: enough to tell where it was spent
MEASURABLE = 0.05  # s of CPU: less than that (process start-ups alone) tells nothing

pytestmark = pytest.mark.timeout_s(40)


def expected(n: int) -> int:
    return (n - 1) * n * (2 * n - 1) // 6 if n > 0 else 0


@pytest.fixture(autouse=True)
def started():
    """Every process started during the test; the survivors are ended after it."""
    with record_processes() as made:
        yield made


def total(n: int, workers: int):
    try:
        return call_with_deadline(parallel_sum_of_squares, n, workers, deadline=DEADLINE,
                                  what=f"parallel_sum_of_squares({n}, {workers})")
    except Exception as exc:
        if isinstance(exc, pickle.PicklingError) or "pickle" in str(exc).lower():
            pytest.fail(
                f"parallel_sum_of_squares({n}, {workers}) raised {type(exc).__name__}: {exc}\n"
                "A worker process gets its function by pickling, which stores a function by "
                "module and name: a lambda or a function defined inside another function "
                "cannot be sent. Use a top-level function of perfmp.py.",
                pytrace=False)
        raise


CASES = [(0, 1), (0, 2), (1, 1), (1, 2), (1, 4), (2, 3), (3, 2), (5, 2), (7, 3), (10, 3),
         (10, 4), (11, 5), (99, 2), (100, 1), (97, 4), (1000, 3), (12345, 7)]


@pytest.mark.lesson
def test_exact_sums():
    wrong = []
    for n, workers in CASES:
        got = total(n, workers)
        if got != expected(n):
            wrong.append(f"parallel_sum_of_squares({n}, workers={workers}) = {got!r}, "
                         f"expected {expected(n)}")
    assert not wrong, (
        "wrong totals:\n  " + "\n  ".join(wrong) + "\nThe chunks must cover 0, 1, ..., n-1 "
        "exactly once: no number skipped (e.g. the remainder when n is not a multiple of "
        "workers, or the last number), none counted twice (ranges are half-open: "
        "range(start, stop) stops before stop, and the next chunk starts at stop). Also "
        "when n is smaller than workers, or 0.")


@pytest.mark.lesson
def test_default_workers():
    assert call_with_deadline(parallel_sum_of_squares, 1001, deadline=DEADLINE,
                              what="parallel_sum_of_squares(1001)") == expected(1001), (
        "parallel_sum_of_squares(n) should use workers=2 by default")


@pytest.mark.lesson
@pytest.mark.parametrize("start_method", ["fork", "spawn", "forkserver"], indirect=True)
def test_under_start_method(start_method):
    for n, workers in [(1001, 3), (1, 2)]:
        got = total(n, workers)
        assert got == expected(n), (
            f"with the {start_method!r} start method, parallel_sum_of_squares({n}, {workers}) "
            f"= {got!r}, expected {expected(n)}")


def children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


@pytest.mark.lesson
@pytest.mark.parametrize("start_method", ["fork", "spawn"], indirect=True)
def test_work_runs_in_child_processes(start_method, started):
    before = set(multiprocessing.active_children())
    kids0, mine0 = children_cpu(), time.process_time()
    got = total(BIG_N, 2)
    mine = time.process_time() - mine0
    assert got == expected(BIG_N), f"parallel_sum_of_squares({BIG_N}, 2) = {got}"

    def new_children():
        return [c for c in multiprocessing.active_children() if c not in before]

    assert wait_until(lambda: not new_children(), timeout=5.0), (
        f"5 s after parallel_sum_of_squares returned, its processes still run: "
        f"{new_children()}. Wait for them (join them, or use `with Pool(...)`) before returning.")
    kids = children_cpu() - kids0
    pids = {p.pid for p in started if p.pid is not None} - {os.getpid()}
    assert len(pids) >= 2, (
        f"parallel_sum_of_squares({BIG_N}, workers=2) started {len(pids)} worker processes; "
        "expected 2. Threads (threading.Thread, ThreadPool, ThreadPoolExecutor) share one "
        "interpreter and its GIL, so only one of them computes at a time: CPU-bound work "
        "needs processes (multiprocessing.Process or multiprocessing.Pool).")
    if kids + mine < MEASURABLE:
        return  # no measurable work anywhere (a closed formula per chunk): nothing to compare
    assert kids > mine, (
        f"the sum took {mine:.2f} s of CPU time in this process and only {kids:.2f} s in "
        "its child processes: the work was done here, not in the workers. Each chunk should "
        "be summed by a worker process (pass the chunk's bounds to it), and only the "
        "partial sums sent back.")
