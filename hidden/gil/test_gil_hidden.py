"""Hidden tests for the gil exercise.

The workers are importable functions of grader.testing (they pickle under every
start method) whose CPU time is known: ``spin(s)`` burns s seconds of CPU,
``spin_then_sleep`` burns some CPU, then sleeps, and logs when and where it ran.
So the test knows the workers' total CPU time C and its own wall time T around
the call, and a correct answer r satisfies C / T <= r (the run's wall time is at
most T), r <= n (n single-threaded workers cannot use more than n CPUs) and,
for threads, r <= 1 (the GIL). Those bounds hold on a busy machine too; and
on an idle machine C / T is well above 1 for processes, so the bound itself asks for
parallelism; the worker logs also show distinct pids and overlapping runs.
"""

from __future__ import annotations

import functools
import multiprocessing
import multiprocessing.forkserver
import os
import time

import gil
import pytest

from grader.testing import call_with_deadline, wait_until
from grader.testing.tasks import max_overlap, spin
from grader.testing.tasks_gil import read_runs, spin_then_sleep

START_METHODS = ["fork", "spawn", "forkserver"]
DEADLINE = 15.0

pytestmark = pytest.mark.timeout_s(60)


@pytest.fixture
def no_leftover_processes():
    before = set(multiprocessing.active_children())
    yield
    left = lambda: [c for c in multiprocessing.active_children() if c not in before]  # noqa: E731
    gone = wait_until(lambda: not left(), timeout=5.0, interval=0.02)
    for child in left():
        child.kill()
    assert gone, (
        f"worker processes still running after cpu_parallelism returned: {left()}. "
        "join() every process before returning."
    )


def measure(worker, n: int, mode: str) -> tuple[float, float]:
    """(the student's ratio, the wall time T the test saw around the call)."""
    start = time.perf_counter()
    ratio = call_with_deadline(gil.cpu_parallelism, worker, n, mode, deadline=DEADLINE,
                               what=f"cpu_parallelism(worker, {n}, {mode!r})")
    wall = time.perf_counter() - start
    assert isinstance(ratio, (int, float)) and not isinstance(ratio, bool), (
        f"cpu_parallelism should return a float (CPU seconds / wall seconds), got {ratio!r}"
    )
    return float(ratio), wall


def check_lower_bound(ratio: float, cpu: float, wall: float, mode: str) -> None:
    floor = 0.85 * cpu / wall
    assert ratio >= floor, (
        f"mode={mode!r}: the workers used at least {cpu:.2f} s of CPU in all, and the whole call "
        f"took {wall:.2f} s of wall time as the test saw it, so the ratio is at least about "
        f"{cpu / wall:.2f}; you returned {ratio:.3f}.\n"
        + ("For processes, time.process_time() in the parent counts only the parent's own CPU "
           "time, not its children's: measure the CPU time inside each worker process (for "
           "example time.process_time() before and after worker() in the child) and send it "
           "back to the parent (a multiprocessing.Queue, a Pool's return value).\n"
           if mode == "processes" else "")
        + "If each worker timed its own wall time and you added those up, the wall time is "
        "counted several times over: the wall time is one clock, read before the first "
        "worker starts and after the last one is joined."
    )


def check_upper_bound(ratio: float, limit: float, why: str, mode: str) -> None:
    assert ratio <= limit, (
        f"mode={mode!r}: you returned {ratio:.3f}, more than {limit:.2f}, which is impossible "
        f"here: {why}. Was the wall clock stopped before the workers were joined (after "
        "start() only)? Read the clock after the join() loop, when every worker has finished."
    )


def ran_runs(log_dir, n: int, mode: str) -> list:
    runs = read_runs(str(log_dir))
    assert len(runs) == n, (
        f"cpu_parallelism(worker, {n}, {mode!r}) should call worker() {n} times; "
        f"it was called {len(runs)} times"
    )
    return runs


# ---------------------------------------------------------------- threads

@pytest.mark.lesson
@pytest.mark.cpu_sensitive
def test_threads_use_about_one_cpu():
    n, seconds = 2, 0.3
    ratio, wall = measure(functools.partial(spin, seconds), n, "threads")
    check_lower_bound(ratio, n * seconds, wall, "threads")
    check_upper_bound(ratio, 1.2, "threads of one process share one GIL, so at most one of "
                      "them runs Python code at a time: about 1 CPU", "threads")


@pytest.mark.lesson
def test_threads_ratio_matches_the_workers(tmp_path):
    """Workers that spin 0.15 s and then sleep 0.3 s: the ratio is well below 1."""
    n = 2
    ratio, wall = measure(functools.partial(spin_then_sleep, 0.15, 0.3, str(tmp_path)),
                          n, "threads")
    runs = ran_runs(tmp_path, n, "threads")
    assert all(r.pid == os.getpid() for r in runs), (
        "mode='threads' should run the workers in threads of this process"
    )
    cpu = sum(r.cpu for r in runs)
    span = max(r.end for r in runs) - min(r.start for r in runs)
    check_lower_bound(ratio, cpu, wall, "threads")
    check_upper_bound(ratio, 1.3 * cpu / span + 0.05,
                      f"the workers used {cpu:.2f} s of CPU and ran (they also sleep) from the "
                      f"first start to the last end during {span:.2f} s, so the ratio is at most "
                      f"about {cpu / span:.2f}", "threads")


# ---------------------------------------------------------------- processes

def check_processes(runs, n: int) -> None:
    pids = {r.pid for r in runs}
    assert os.getpid() not in pids and len(pids) == n, (
        f"mode='processes' should run each worker in its own child process; the workers ran "
        f"in processes {sorted(pids)} (the test is process {os.getpid()})"
    )
    assert max_overlap(runs) >= 2, (
        "the worker processes never ran at the same time: each one was started only after "
        "the previous one had finished. Start them all, then join them all."
    )


@pytest.mark.lesson
@pytest.mark.cpu_sensitive
def test_processes_use_more_than_one_cpu(tmp_path, no_leftover_processes):
    """Two CPU-bound processes: on an idle 2-core machine about 2 CPUs. The bound
    C / T is about 1.6 there (well above 1) and lower only if the machine is busy."""
    n = 2
    ratio, wall = measure(functools.partial(spin_then_sleep, 0.4, 0.0, str(tmp_path)),
                          n, "processes")
    runs = ran_runs(tmp_path, n, "processes")
    check_processes(runs, n)
    check_lower_bound(ratio, sum(r.cpu for r in runs), wall, "processes")
    check_upper_bound(ratio, n * 1.1, f"{n} single-threaded worker processes use at most {n} CPUs",
                      "processes")


@pytest.mark.lesson
@pytest.mark.parametrize("start_method", START_METHODS, indirect=True)
def test_processes_ratio_matches_the_workers(tmp_path, start_method, no_leftover_processes):
    """Three workers that spin 0.15 s and then sleep 1.2 s, under each start method.
    Their own wall times add up to about three times the call's: far enough apart
    that a slow start (spawn imports for up to 2 s) cannot hide that mistake. The
    call's wall time is at least the workers' span (first start to last end, from
    their logs), so a ratio above twice their CPU time (plus 0.3 s for what a
    child may count of its own start-up) over that span is a clock stopped before
    the joins, however long the starts took. The forkserver is started first: its
    own start-up is not the workers' start."""
    n = 3
    if start_method == "forkserver":
        multiprocessing.forkserver.ensure_running()
    ratio, wall = measure(functools.partial(spin_then_sleep, 0.15, 1.2, str(tmp_path)),
                          n, "processes")
    runs = ran_runs(tmp_path, n, "processes")
    check_processes(runs, n)
    cpu = sum(r.cpu for r in runs)
    span = max(r.end for r in runs) - min(r.start for r in runs)
    check_lower_bound(ratio, cpu, wall, "processes")
    check_upper_bound(ratio, min(n * 1.1, (2 * cpu + 0.3) / span),
                      f"the workers used {cpu:.2f} s of CPU and ran (they also sleep) from the "
                      f"first start to the last end during {span:.2f} s, so the ratio is at most "
                      f"about {cpu / span:.2f}", "processes")


def test_bad_mode_is_rejected():
    with pytest.raises(ValueError):
        gil.cpu_parallelism(functools.partial(spin, 0.0), 1, "fibers")
