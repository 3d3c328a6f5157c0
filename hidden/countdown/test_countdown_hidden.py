"""Hidden tests for the countdown exercise (a threading.Thread subclass).

The list handed to the thread records which thread appended each item and
when, so "the work runs in the new thread" is checked by identity
(``threading.current_thread()``), never by timing. A start() that waits for the
countdown is shown by event order: the thread is held inside its first append
while the test checks that start() has returned.
"""

import threading
import time

import pytest
from countdown import CountdownThread

from grader.testing import DeadlineExceeded, call_with_deadline, wait_until

DEADLINE = 5.0


class RecordingList(list):
    """A list that remembers which thread appended each item, and when."""

    def __init__(self):
        super().__init__()
        self.by = []  # (thread, time.monotonic()) per item

    def _note(self, count):
        me, now = threading.current_thread(), time.monotonic()
        self.by.extend([(me, now)] * count)

    def append(self, item):
        self._note(1)
        super().append(item)

    def extend(self, items):
        items = list(items)
        self._note(len(items))
        super().extend(items)

    def __iadd__(self, items):
        self.extend(items)
        return self


def thread_name(t):
    try:
        return t.name
    except AssertionError:
        pytest.fail(
            "the thread has no name: Thread.__init__ was never called. Start your "
            "__init__ with super().__init__() (the slides: threading.Thread.__init__(self)), "
            "so that the Thread part of the object is set up.", pytrace=False)


def run_to_end(t, what="the countdown thread"):
    """Start ``t`` and wait (with a deadline) until it has ended."""
    try:
        call_with_deadline(t.start, what=f"start() of {what}")
    except RuntimeError as exc:
        if "__init__() not called" in str(exc):
            pytest.fail(
                f"start() raised RuntimeError: {exc}. Your __init__ replaces Thread.__init__ "
                "without calling it; call super().__init__() first thing in __init__.",
                pytrace=False)
        raise
    try:
        call_with_deadline(t.join, what=f"join() of {what}")
    except RuntimeError as exc:
        if "before it is started" in str(exc):
            pytest.fail(
                f"join() raised RuntimeError: {exc}. start() returned, but the thread was "
                "never started: do not override start(); Thread's own start() launches the "
                "new thread, which calls your run().", pytrace=False)
        raise
    assert not t.is_alive(), f"{what} was still running after join() returned"


# --- Thread.__init__ ------------------------------------------------------------


@pytest.mark.lesson
def test_thread_init_is_called():
    t = CountdownThread(2, [])
    assert isinstance(t, threading.Thread), "CountdownThread must be a subclass of threading.Thread"
    name = thread_name(t)
    assert isinstance(name, str) and name, f"the thread's name is {name!r}, expected a string"
    assert t.ident is None and not t.is_alive(), (
        "a CountdownThread that was only created (not started) is already running: "
        "do not call start() in __init__; the caller starts it")
    run_to_end(t)


# --- the range ------------------------------------------------------------------


@pytest.mark.lesson
@pytest.mark.parametrize("count", [1, 3, 7])
def test_counts_down_from_count_to_one(count):
    out = []
    t = CountdownThread(count, out)
    name = thread_name(t)
    run_to_end(t)
    expected = [(name, n) for n in range(count, 0, -1)]
    assert out == expected, (
        f"CountdownThread({count}, out) left out == {out}, expected {expected}: one "
        f"(self.name, n) for n = {count}, {count - 1}, ..., 1, in that order "
        "(range(count, 0, -1); range(count) counts up from 0, and range(count, -1, -1) "
        "ends at 0)."
    )


@pytest.mark.lesson
def test_count_zero_appends_nothing():
    out = []
    t = CountdownThread(0, out)
    run_to_end(t)
    assert out == [], f"CountdownThread(0, out) appended {out}: counting down from 0 to 1 is empty"


# --- the work runs in the new thread ------------------------------------------


@pytest.mark.lesson
def test_constructor_does_no_work():
    out = RecordingList()
    t = CountdownThread(3, out, delay=0.0)
    thread_name(t)
    assert list(out) == [], (
        f"creating CountdownThread(3, out) already appended {list(out)} (from thread "
        f"{out.by[0][0].name!r}): __init__ runs in the thread that creates the object, so "
        "the countdown must not be in __init__. Keep the arguments in __init__ and count in "
        "run(), which start() calls in the new thread."
    )
    assert t.ident is None, "creating a CountdownThread started it: only the caller calls start()"
    run_to_end(t)
    assert len(out) == 3, f"after start() and join(), out == {list(out)}"


@pytest.mark.lesson
def test_counts_in_its_own_thread():
    out = RecordingList()
    t = CountdownThread(4, out)
    run_to_end(t)
    assert len(out) == 4, f"after start() and join(), out == {list(out)}: expected 4 items"
    strangers = sorted({th.name for th, _ in out.by if th is not t})
    assert not strangers, (
        f"the items were appended by thread(s) {strangers}, not by the CountdownThread "
        f"itself ({t.name!r}). The countdown must run in run(), and start() must be "
        "Thread's own start(): it creates the new thread, which then calls run(). "
        "Overriding start() (for example to call run()) or counting in __init__ runs the "
        "work in the calling thread."
    )
    assert all(item[0] == t.name for item in out), (
        f"out == {list(out)}: each item must be (self.name, n) with the thread's own name "
        f"{t.name!r}"
    )


@pytest.mark.lesson
def test_start_returns_while_the_countdown_runs():
    gate = threading.Event()
    holding = threading.Event()
    t = None

    others = []

    class HeldList(RecordingList):
        def _note(self, count):
            super()._note(count)
            if threading.current_thread() is not t:
                others.append(threading.current_thread().name)
            elif not holding.is_set():
                holding.set()
                gate.wait(DEADLINE)  # hold the countdown inside its first append

    out = HeldList()
    t = CountdownThread(3, out)
    try:
        try:
            call_with_deadline(t.start, deadline=3.0, what="start() of a CountdownThread(3)")
        except DeadlineExceeded:
            pytest.fail(
                "start() did not return while the new thread was still counting down (the "
                "test held the thread inside its first append for a while). start() must "
                "launch the thread and return at once; the caller decides when to join(). "
                "Do not override start() (for example to join the thread).", pytrace=False)
        assert wait_until(lambda: holding.is_set() or others, DEADLINE), (
            "after start() returned, the thread never appended to out: does run() count "
            "down into self.out?")
        assert not others, (
            f"start() returned, but the countdown was appended by thread {others[0]!r}, "
            f"the one that called start(), not by the CountdownThread {t.name!r}: do not "
            "override start(); put the work in run().")
    finally:
        gate.set()
    call_with_deadline(t.join, what="join() of the countdown thread")
    assert len(out) == 3, f"out == {list(out)} after join(), expected 3 items"


# --- the delay ------------------------------------------------------------------


def test_sleeps_delay_between_steps():
    out = RecordingList()
    delay = 0.05
    t = CountdownThread(3, out, delay=delay)
    run_to_end(t)
    assert len(out) == 3, f"out == {list(out)}, expected 3 items"
    times = [when for _, when in out.by]
    span = times[-1] - times[0]
    assert span >= 2 * delay * 0.8, (
        f"with delay={delay}, the 3 steps were appended within {span:.3f} s, expected at "
        f"least about {2 * delay:g} s: sleep `delay` seconds between two steps "
        "(time.sleep(self.delay))."
    )


def test_two_countdowns_keep_their_own_names():
    out = []
    a, b = CountdownThread(3, out), CountdownThread(2, out)
    assert thread_name(a) != thread_name(b), "two threads got the same name"
    call_with_deadline(a.start)
    call_with_deadline(b.start)
    call_with_deadline(a.join)
    call_with_deadline(b.join)
    mine_a = [n for name, n in out if name == a.name]
    mine_b = [n for name, n in out if name == b.name]
    assert (mine_a, mine_b) == ([3, 2, 1], [2, 1]) and len(out) == 5, (
        f"two threads sharing one list left out == {out}; expected {a.name!r} to append "
        f"3, 2, 1 and {b.name!r} to append 2, 1 (self.name is each thread's own name)"
    )
