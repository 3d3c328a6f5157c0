"""Hidden tests for the process exercise.

Every test that starts processes runs under the three start methods (fork,
spawn, forkserver) where that matters. A child left behind by a failing
solution is terminated in the clean-up. "join before draining the queue" is
shown with counts big enough that the children's items cannot all fit in the
queue's pipe: such a child can never exit, and the grader reports the join on
it as a stall.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue

import pytest
from process import CountdownProcess, run_countdowns

from grader.testing import call_with_deadline, record_processes, wait_until

START_METHODS = ["fork", "spawn", "forkserver"]
DEADLINE = 8.0  # seconds for starting, running and collecting a few processes
BIG = 20_000  # items per child: about 0.5 MB of pickles, far more than a pipe holds

pytestmark = pytest.mark.timeout_s(30)


@pytest.fixture(autouse=True)
def started():
    """Every process started during the test; the survivors are ended after it."""
    with record_processes() as made:
        yield made


def explain_start_error(exc: BaseException, method: str):
    if isinstance(exc, (pickle.PicklingError, TypeError, AttributeError)) \
            and "pickle" in str(exc).lower():
        pytest.fail(
            f"starting a CountdownProcess with the {method!r} start method raised "
            f"{type(exc).__name__}: {exc}\n"
            "Under 'spawn' and 'forkserver', start() pickles the whole process object (its "
            "attributes) to send it to the new process. A lock, an open file, a socket, a "
            "lambda or a thread on self cannot be pickled. Keep only plain data (numbers, "
            "strings) and the multiprocessing.Queue on self; create anything else inside "
            "run(), which runs in the child.",
            pytrace=False)
    raise exc


def countdowns(counts, method: str):
    try:
        return call_with_deadline(run_countdowns, counts, deadline=DEADLINE,
                                  what=f"run_countdowns({counts!r})")
    except Exception as exc:  # noqa: BLE001 - explained or re-raised
        explain_start_error(exc, method)


def check_result(result, counts, method: str):
    assert isinstance(result, dict), f"run_countdowns should return a dict, got {type(result)}"
    if result and all(not v for v in result.values()):
        pytest.fail(
            f"run_countdowns({counts!r}) returned {result!r}: every list is empty. The child "
            "process works on its own copy of the CountdownProcess object: what run() stores "
            "on self (a list, a counter) changes the child's copy, never the parent's. Send "
            "the results back through the multiprocessing.Queue and read them in the parent.",
            pytrace=False)
    expected = sorted([list(range(c, 0, -1)) for c in counts])
    got = sorted(list(v) for v in result.values())
    assert got == expected, (
        f"with the {method!r} start method, run_countdowns({counts!r}) should give one list "
        f"per child, each counting down to 1: {expected} in some order of pids; got "
        f"{got} (from {result!r})")
    me = os.getpid()
    assert me not in result, (
        f"a key of the result is this process's own pid ({me}): the keys should be the "
        "children's pids, as each child put them on the queue (os.getpid() inside run()).")
    assert len(result) == len(counts), (
        f"{len(counts)} processes should give {len(counts)} different pids, got {list(result)}")


def collect(q, count: int, proc) -> list:
    """Up to ``count`` items from ``q``; stops early once ``proc`` has ended and
    nothing more arrives (a child that failed sends nothing)."""
    items: list = []
    while len(items) < count:
        try:
            items.append(q.get(timeout=0.05))
        except queue.Empty:
            if not proc.is_alive():
                try:  # an ended child has written everything it put: take what is left
                    items.append(q.get(timeout=0.5))
                except queue.Empty:
                    break
    return items


# ---------------------------------------------------------------- CountdownProcess

def test_is_a_process():
    p = CountdownProcess(3, queue.Queue())
    assert isinstance(p, multiprocessing.Process), (
        "CountdownProcess should subclass multiprocessing.Process")
    assert not p.is_alive(), "creating a CountdownProcess should not start it"


def test_run_called_directly_counts_down():
    q: queue.Queue = queue.Queue()
    CountdownProcess(4, q).run()  # in this process: run() is an ordinary method
    items = []
    while not q.empty():
        items.append(q.get_nowait())
    me = os.getpid()
    assert items == [(me, 4), (me, 3), (me, 2), (me, 1)], (
        f"run() should put (os.getpid(), n) on out_q for n = 4, 3, 2, 1 (in that order); "
        f"called directly here it put {items}")


@pytest.mark.lesson
@pytest.mark.parametrize("start_method", START_METHODS, indirect=True)
def test_child_puts_its_pid_and_countdown(start_method):
    q = multiprocessing.Queue()
    p = CountdownProcess(5, q)
    try:
        try:
            p.start()
        except Exception as exc:  # noqa: BLE001 - explained or re-raised
            explain_start_error(exc, start_method)
        items = call_with_deadline(collect, q, 5, p, deadline=DEADLINE,
                                   what="reading 5 items from out_q")
        call_with_deadline(p.join, deadline=DEADLINE, what="joining the CountdownProcess")
        assert items == [(p.pid, n) for n in (5, 4, 3, 2, 1)], (
            f"with the {start_method!r} start method, the child (pid {p.pid}) should put "
            f"(its pid, n) for n = 5..1 on out_q; it put {items}")
        assert p.exitcode == 0, f"the child ended with exit code {p.exitcode}, expected 0"
    finally:
        q.close()
        q.join_thread()


# ---------------------------------------------------------------- run_countdowns

@pytest.mark.lesson
@pytest.mark.parametrize("start_method", START_METHODS, indirect=True)
def test_run_countdowns_under_start_method(start_method):
    counts = [3, 1, 4]
    check_result(countdowns(counts, start_method), counts, start_method)


@pytest.mark.lesson
def test_run_countdowns_one_process():
    check_result(countdowns([6], "default"), [6], "default")


# One big child: with two, the joined child's feeder may wait for the queue's write
# lock (held by the other child's blocked feeder) instead of writing into the full
# pipe, and the grader, which recognises the stuck join from the joined child's
# stack, would only see the hang at the deadline.
@pytest.mark.lesson
@pytest.mark.parametrize("start_method", ["fork", "spawn"], indirect=True)
def test_large_count_does_not_hang(start_method):
    counts = [BIG]
    check_result(countdowns(counts, start_method), counts, start_method)


def test_children_have_ended():
    before = set(multiprocessing.active_children())
    countdowns([2, 2, 2], "default")
    assert wait_until(lambda: not set(multiprocessing.active_children()) - before,
                      timeout=5.0), (
        "5 s after run_countdowns returned, some of its processes still run: join every "
        "process (after reading its items) before returning")
