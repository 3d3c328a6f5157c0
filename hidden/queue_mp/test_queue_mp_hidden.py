"""Hidden tests for the queue_mp exercise.

The handlers are importable task functions (grader.testing.tasks and
grader.testing.tasks_queue_mp) that pickle under every start method:
- ``hold`` reports the worker's pid and when it ran: the work is shared when
  >= 2 pids appear and two tasks overlap in time (structure, not speed);
- ``slow_to_send`` returns a result that takes 0.2 s to pickle, so it is still
  in the worker's queue feeder after task_done(): polling ``results.empty()``
  loses it every time;
- ``echo_after`` finishes tasks out of order, to check the input order.
- every test runs inside ``worst_queue_timing``: a queue sends nothing
  until the workers wait for work, and ``empty()`` in the parent is True until
  ``get()``, so polling ``tasks.empty()`` or ``results.empty()`` fails every
  time, not by chance.

process_all is called under a deadline; a hang (task_done missed for a
sentinel: JoinableQueue.join() never returns) fails that test only: every test
makes its own queues and processes, and the child processes a test leaves
behind are terminated after it.
"""

from __future__ import annotations

import multiprocessing
import os

import pytest
import queue_mp

from grader.testing import DeadlineExceeded, call_with_deadline, processes_ended, record_processes
from grader.testing.tasks import Ran, fail_on, hold, max_overlap, square
from grader.testing.tasks_queue_mp import echo_after, slow_to_send, worst_queue_timing

DEADLINE = 3.0  # a correct run takes about a second, even under spawn on a busy machine
START_METHODS = ["spawn", "forkserver", "fork"]

pytestmark = pytest.mark.timeout_s(30)

HANG_ADVICE = (
    "A correct process_all returns these in about a second. The usual cause of a hang: "
    "JoinableQueue.join() returns only when task_done() has been called once for EVERY item "
    "ever put on the queue, and the sentinels (the 'stop' items, one per worker) are items "
    "too. A worker that sees its sentinel and returns (or breaks) without calling "
    "task_done() leaves the count above zero forever. Call task_done() for every get(), for "
    "example in a try/finally around the handling of each item. (A worker that died on a "
    "handler's exception without calling task_done() has the same effect.)"
)


def run_process_all(items, handler, what: str, advice: str = HANG_ADVICE, **kwargs):
    try:
        return call_with_deadline(queue_mp.process_all, items, handler, deadline=DEADLINE,
                                  what=what, **kwargs)
    except DeadlineExceeded as exc:
        method = multiprocessing.get_start_method()
        pytest.fail(f"{what} under the {method!r} start method did not return within "
                    f"{DEADLINE:g} s.\n{advice}\n\n{exc}", pytrace=False)


@pytest.fixture(autouse=True)
def started():
    """Every process started during the test; the survivors are ended after it.
    The queues show their worst timing (worst_queue_timing)."""
    with record_processes() as made, worst_queue_timing():
        yield made


def assert_workers_gone(made, what: str) -> None:
    gone = processes_ended(made)
    assert gone, (
        f"5 s after {what} returned, worker processes still run: "
        f"{[p for p in made if p.is_alive()]}. Give each worker a sentinel so that it "
        "returns, and join() every worker before process_all returns.")


# ---------------------------------------------------------------- start methods, order

@pytest.mark.lesson
@pytest.mark.parametrize("start_method", START_METHODS, indirect=True)
def test_results_in_input_order(start_method, started):
    jobs = [(0.3, "a"), (0.0, "b"), (0.15, "c"), (0.0, "d"), (0.05, "e"), (0.0, "f"),
            (0.1, "g"), (0.0, "h")]
    what = "process_all(jobs, echo_after)"
    got = run_process_all(jobs, echo_after, what)
    want = [value for _, value in jobs]
    assert got == want, (
        f"under {start_method!r}: {what} returned {got!r}, expected {want!r}.\n"
        "The tasks take different times, so results come back out of order: send each item "
        "with its index, (i, item), have the worker return (i, result), and put each result "
        "at its index.")
    assert len(started) >= 2, (
        f"{what} with n_workers=2 started {len(started)} process(es); expected 2 workers")
    assert_workers_gone(started, what)


@pytest.mark.lesson
def test_n_workers_processes_share_the_work(started):
    items = [0.15] * 9  # 1.35 s in one process, under a second shared by three
    what = "process_all([0.15] * 9, hold, n_workers=3)"
    runs = run_process_all(items, hold, what, n_workers=3)
    assert isinstance(runs, list) and len(runs) == len(items) and all(
        isinstance(r, Ran) for r in runs), f"{what} should return 9 results of hold, got {runs!r}"
    me = os.getpid()
    assert all(r.pid != me for r in runs), (
        f"some tasks ran in the calling process (pid {me}): the handler must run in the "
        "worker processes")
    pids = {r.pid for r in runs}
    assert len(pids) == 3, (
        f"with n_workers=3 the 9 tasks (0.15 s each) ran in {len(pids)} process(es), "
        f"expected 3 workers sharing them. Likely causes: n_workers ignored, all the items "
        "put on the queue as ONE task (one worker takes the whole list), or workers started "
        "one at a time, each joined before the next starts.")
    overlap = max_overlap(runs)
    assert overlap >= 2, (
        f"no two tasks ever ran at the same time (largest number at once: {overlap}): the "
        "workers took turns instead of working in parallel")
    assert_workers_gone(started, what)


@pytest.mark.lesson
def test_one_worker_does_not_do_everything(started):
    items = [0.2] * 6  # 1.2 s in one process
    what = "process_all([0.2] * 6, hold)"
    runs = run_process_all(items, hold, what)
    assert isinstance(runs, list) and len(runs) == len(items) and all(
        isinstance(r, Ran) for r in runs), f"{what} should return 6 results of hold, got {runs!r}"
    pids = {r.pid for r in runs}
    overlap = max_overlap(runs)
    assert len(pids) >= 2 and overlap >= 2, (
        f"with n_workers=2 the 6 tasks ran in {len(pids)} process(es), at most {overlap} at "
        "a time: one worker did all the work. Put each item on the JoinableQueue as its own "
        "task (not the whole list as one task), and start every worker before waiting.")


# ---------------------------------------------------------------- results not lost

@pytest.mark.lesson
def test_no_result_lost(started):
    what = "process_all(range(4), slow_to_send)"
    try:
        got = run_process_all(range(4), slow_to_send, what)
    except Exception as exc:  # noqa: BLE001 - explained below
        got = f"nothing: it raised {type(exc).__name__}: {exc}"
    assert got == [0, 1, 4, 9], (
        f"{what} gave {got!r}, expected [0, 1, 4, 9].\n"
        "These results take 0.2 s to be pickled and sent: a worker's results.put(x) returns "
        "at once and a background thread sends x later, so the results queue can look EMPTY "
        "while results are still coming (after join() too). Never decide 'no more results' "
        "with q.empty(): call results.get() exactly once per item.")
    assert_workers_gone(started, what)


@pytest.mark.lesson
def test_no_task_lost_while_the_queue_looks_empty(started):
    """The tasks reach the task queue only once the workers wait for work
    (worst_queue_timing), so workers started first find the queue empty
    although tasks are coming: every time, not only when they are quick."""
    what = "process_all(range(3), square)"
    got = run_process_all(range(3), square, what, advice=(
        "A put() returns at once and the queue's background thread sends the item later, "
        "so a worker can find the task queue EMPTY before the first task has arrived. A "
        "worker that stops when tasks.empty() is True quits with the work undone, and "
        "join() waits forever. A worker should block in get() until it receives its "
        "sentinel."))
    assert got == [0, 1, 4], f"{what} returned {got!r}, expected [0, 1, 4]"
    assert_workers_gone(started, what)


# ---------------------------------------------------------------- errors

@pytest.mark.lesson
def test_handler_exception_is_reraised(started):
    what = "process_all(range(6), fail_on)"
    with pytest.raises(Exception) as info:  # noqa: PT011 - the type is checked below
        run_process_all(range(6), fail_on, what)
    exc = info.value
    assert isinstance(exc, ValueError) and "failed on purpose" in str(exc), (
        f"{what}: the handler raises ValueError('task 3 failed on purpose') for item 3; "
        f"process_all should raise that exception in the parent, got "
        f"{type(exc).__name__}: {exc}. Catch the exception in the worker, send it back with "
        "the results (exceptions pickle), call task_done() anyway, and raise it in the parent.")
    assert_workers_gone(started, what)


@pytest.mark.lesson
def test_error_does_not_stop_the_other_tasks(started):
    what = "process_all([3, 0, 1, 2], fail_on, n_workers=1)"
    with pytest.raises(ValueError):
        run_process_all([3, 0, 1, 2], fail_on, what, n_workers=1)
    assert_workers_gone(started, what)
    got = run_process_all([0, 1, 2], square, "process_all([0, 1, 2], square) after a failure")
    assert got == [0, 1, 4], f"a later process_all([0, 1, 2], square) returned {got!r}"


@pytest.mark.lesson
def test_empty_items(started):
    what = "process_all([], square)"
    got = run_process_all([], square, what)
    assert got == [], f"{what} should return [], got {got!r}"
    assert_workers_gone(started, what)
