"""Hidden tests for the pipe exercise.

pipe_sum is called under a deadline: a consumer that never sees end of input
(an unused write end left open somewhere) hangs, which fails the test after
DEADLINE seconds. A hang fails its own test only: every test makes its own
pipe and processes, and every child process a test leaves behind is
terminated after it.
"""

from __future__ import annotations

import multiprocessing

import pipe
import pytest

from grader.testing import DeadlineExceeded, call_with_deadline, processes_ended, record_processes

DEADLINE = 3.0  # a correct run takes well under a second, even under spawn
START_METHODS = ["spawn", "forkserver", "fork"]
SENTINEL_LIKE = [None, 0, -1, "STOP", "stop", "END", "DONE", "EOF", "QUIT", "", "__END__",
                 "SENTINEL", b"", (), [], {}, 0.0, "None", "-1"]

pytestmark = pytest.mark.timeout_s(30)

HANG_ADVICE = (
    "The consumer reads until recv() raises EOFError, and that only happens once EVERY copy "
    "of the pipe's write end is closed: the one in the parent (close it when all items are "
    "sent) and the one the child has (under 'fork' the child inherits a copy of every open "
    "pipe end, and an end passed in args is a copy too: the child must close the write end it "
    "does not use before it starts reading). One forgotten copy and the consumer waits forever."
)


def expected(items) -> tuple[int, int]:
    return len(items), sum(x for x in items if isinstance(x, int))


def run_pipe_sum(items, what: str):
    """pipe_sum(items) under a deadline, a hang explained with its start method."""
    method = multiprocessing.get_start_method()
    try:
        return call_with_deadline(pipe.pipe_sum, items, deadline=DEADLINE, what=what)
    except DeadlineExceeded as exc:
        pytest.fail(f"{what} under the {method!r} start method did not return within "
                    f"{DEADLINE:g} s: the consumer never saw the end of the input.\n"
                    f"{HANG_ADVICE}\n\n{exc}", pytrace=False)


@pytest.fixture(autouse=True)
def started():
    """Every process started during the test; the survivors are ended after it."""
    with record_processes() as made:
        yield made


def check_result(result, items, what: str) -> None:
    want = expected(items)
    assert isinstance(result, tuple) and len(result) == 2, (
        f"{what} should return a tuple (count, total), got {result!r}")
    assert tuple(result) == want, (
        f"{what} returned {result!r}, expected (count, total) = {want!r}"
        + stopped_early_hint(result, items))


def stopped_early_hint(result, items) -> str:
    count = result[0] if isinstance(result, tuple) and result else None
    if isinstance(count, int) and 0 <= count < len(items):
        return (f".\nThe consumer counted only {count} items: it stopped right before "
                f"items[{count}] = {items[count]!r}. A sentinel (an 'end' value such as None, "
                "-1 or 'STOP') can also be a real item: the caller may send any value. Signal "
                "the end by closing the write end (the reader gets EOFError), not by a value.")
    return ""


def assert_children_gone(made, what: str) -> None:
    assert made, (
        f"{what} started no process: the items should be read and added up by a consumer "
        "PROCESS (multiprocessing.Process) that receives them through a multiprocessing.Pipe.")
    gone = processes_ended(made)
    assert gone, (
        f"5 s after {what} returned, its consumer process still runs: join() it before "
        "returning (after it has sent its answer).")


# ---------------------------------------------------------------- start methods

@pytest.mark.lesson
@pytest.mark.parametrize("start_method", START_METHODS, indirect=True)
def test_pipe_sum_under_start_method(start_method, started):
    items = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9]
    what = f"pipe_sum({items!r})"
    check_result(run_pipe_sum(items, what), items, what)
    assert_children_gone(started, what)


# ---------------------------------------------------------------- data, not sentinels

@pytest.mark.lesson
def test_sentinel_like_values_are_data(started):
    items = []
    for i, value in enumerate(SENTINEL_LIKE):
        items += [10 * (i + 1), value]
    items.append(7)
    what = "pipe_sum(items with None, 0, -1, 'STOP', '' ... among them)"
    check_result(run_pipe_sum(items, what), items, what)


@pytest.mark.lesson
@pytest.mark.parametrize("value", [None, 0, -1, "STOP"])
def test_sentinel_like_value_first(value, started):
    items = [value, 1, 2, 3]
    what = f"pipe_sum({items!r})"
    check_result(run_pipe_sum(items, what), items, what)


@pytest.mark.lesson
def test_empty_input(started):
    check_result(run_pipe_sum([], "pipe_sum([])"), [], "pipe_sum([])")
    assert_children_gone(started, "pipe_sum([])")


@pytest.mark.lesson
def test_many_items_from_a_generator(started):
    n = 30_000  # several times a pipe's buffer: the consumer must read while the parent sends
    what = f"pipe_sum(iter(range({n})))"
    result = run_pipe_sum(iter(range(n)), what)
    assert result == (n, n * (n - 1) // 2), (
        f"{what} returned {result!r}, expected {(n, n * (n - 1) // 2)!r}. items may be any "
        "iterable (here a generator, which has no len()): send each item as it comes.")
    assert_children_gone(started, what)
