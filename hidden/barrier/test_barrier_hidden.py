"""Hidden tests for the barrier exercise (start_workers: workers wait for init).

Every "must not happen" is shown by the order of events, never by a tight clock:
``init`` blocks on an Event the test holds, the workers are seen blocked (or
finished), and only then is the list of ``work`` calls checked. Workers are
joined through ``call_with_deadline`` with untimed joins, so a worker that
waits forever is reported by the grader as a stall.

Late workers are made deterministic with ``patch_late_condition``: the
student's module builds Conditions that no thread but the init thread may take
before the init thread has ended, as if the workers were slow to start. A
Condition notified without a flag is then notified before any worker waits,
every run. Every test whose init() returns at once runs so (the ``late_workers``
fixture): whether a worker reached its wait before the notify is then never the
luck of the thread start order, and the same answer gets the same score in
every grading.
"""

import threading

import barrier
import pytest
from barrier import start_workers

from grader.testing import (
    DeadlineExceeded,
    call_with_deadline,
    patch_late_condition,
    start_call,
    wait_until,
    wait_until_blocked,
)

DEADLINE = 5.0


class Recorder:
    """The test's ``init`` and ``work``: every call, its thread, in order."""

    def __init__(self, hold=False):
        self.lock = threading.Lock()
        self.events = []  # ("init start",) / ("init end",) / ("work", i)
        self.init_threads = []
        self.work_threads = {}
        self.release = threading.Event()
        self.init_started = threading.Event()
        if not hold:
            self.release.set()

    def init(self):
        with self.lock:
            self.init_threads.append(threading.current_thread())
            self.events.append(("init start",))
        self.init_started.set()
        self.release.wait(DEADLINE)  # timed: never mistaken for a stall
        with self.lock:
            self.events.append(("init end",))

    def work(self, i):
        with self.lock:
            self.events.append(("work", i))
            self.work_threads.setdefault(i, []).append(threading.current_thread())

    def works(self):
        with self.lock:
            return [e[1] for e in self.events if e[0] == "work"]


def join_all(threads, what):
    """Join every thread (untimed joins, so a hung worker is a stall), under a deadline."""
    def join():
        for t in threads:
            t.join()
    try:
        call_with_deadline(join, deadline=DEADLINE, what=what)
    except DeadlineExceeded as exc:
        raise DeadlineExceeded(f"{exc}\nSome workers never got past their wait.") from None


def start(n, rec, what):
    threads = call_with_deadline(start_workers, n, rec.init, rec.work,
                                 what=f"start_workers({n}, init, work) {what}")
    assert isinstance(threads, list) and all(isinstance(t, threading.Thread) for t in threads), (
        f"start_workers must return a list of threading.Thread objects; it returned {threads!r}"
    )
    assert all(t.ident is not None for t in threads), (
        "start_workers returned threads that were never started: call t.start() on each"
    )
    return threads


def check_all_worked(n, rec, what):
    got = sorted(rec.works())
    assert got == list(range(n)), (
        f"{what}: expected work(0) .. work({n - 1}) once each, got work calls for {got}. "
        + ("Only one worker got past its wait: one release of a Semaphore lets ONE "
           "acquire() through. Use an Event: set() once and every waiter (and every later "
           "one) goes on." if len(got) == 1 and n > 1 else
           "Every worker must call work(i) with its own index once init() has returned.")
    )


# --- all workers run, after init ------------------------------------------------


@pytest.fixture
def late_workers(monkeypatch):
    """Call with a Recorder: from then on the student's module builds Conditions
    that its workers take only after that Recorder's init thread has ended."""
    def patch(rec, patcher=monkeypatch):
        patch_late_condition(patcher, barrier, rec.init_threads, delay=DEADLINE)
    return patch


@pytest.mark.lesson
def test_all_workers_run_after_init(late_workers):
    n = 5
    rec = Recorder()
    late_workers(rec)
    threads = start(n, rec, "with an init() that returns at once")
    join_all(threads, f"the {n} workers")
    check_all_worked(n, rec, "after joining the returned threads")
    order = [e[0] for e in rec.events]
    assert order.index("init end") < min(i for i, e in enumerate(order) if e == "work"), (
        f"events in order: {rec.events}: a work() call came before init() returned"
    )


@pytest.mark.lesson
@pytest.mark.parametrize("n", [1, 8])
def test_every_worker_runs(n, late_workers):
    rec = Recorder()
    late_workers(rec)
    threads = start(n, rec, "with an init() that returns at once")
    try:
        join_all(threads, f"the {n} workers")
    except DeadlineExceeded as exc:
        got = sorted(rec.works())
        raise DeadlineExceeded(
            f"only work calls for {got} of {n} happened, the other workers are stuck. "
            "If init's thread releases a Semaphore once, only one worker's acquire() "
            "gets through; a Condition's notify_all() is lost for a worker that waits "
            f"after it. An Event wakes them all, and stays set.\n{exc}") from None
    check_all_worked(n, rec, f"start_workers({n}, ...)")


# --- no work before init returns ------------------------------------------------


def held_round(n, rec, what):
    """start_workers with an init() that blocks until the test releases it; returns
    the threads once each is blocked or finished."""
    call = start_call(start_workers, n, rec.init, rec.work)
    assert wait_until(lambda: rec.init_started.is_set() or call.done.is_set(), DEADLINE), (
        f"start_workers({n}, init, work) {what}: init() was not called within {DEADLINE:g} s"
    )
    if not rec.init_started.is_set():
        call.finish("start_workers")  # re-raises what it raised
        pytest.fail(f"start_workers {what} returned without calling init()", pytrace=False)
    assert rec.init_threads[0] is not call.thread, (
        "start_workers called init() itself, in the caller's thread, so it cannot return "
        "before init() is done. Run init() in a new thread of its own and return the "
        "started workers at once."
    )
    threads = call.finish(f"start_workers({n}, init, work) while init() is still running")
    assert isinstance(threads, list), f"start_workers returned {threads!r}, not a list"
    for t in threads:  # blocked (waiting for init), or already ended
        wait_until_blocked(t, timeout=1.0)
    return threads


@pytest.mark.lesson
def test_no_work_before_init_returns():
    n = 4
    rec = Recorder(hold=True)
    try:
        threads = held_round(n, rec, "with a slow init()")
        early = rec.works()
        assert not early, (
            f"work() was called for {sorted(early)} while init() was still running. "
            "Each worker must wait until init() has RETURNED: set the Event after "
            "init() returns (not before calling it), and call worker.wait() before work(i)."
        )
    finally:
        rec.release.set()
    join_all(threads, f"the {n} workers once init() returned")
    check_all_worked(n, rec, "after init() returned")
    assert rec.events.index(("init end",)) < min(
        i for i, e in enumerate(rec.events) if e[0] == "work"), (
        f"events in order: {rec.events}: a work() call came before init() returned"
    )


@pytest.mark.lesson
def test_each_call_waits_for_its_own_init(monkeypatch, late_workers):
    first = Recorder()
    with monkeypatch.context() as patcher:  # late workers for the first call only
        late_workers(first, patcher)
        join_all(start(3, first, "(first call)"), "the first call's workers")
    check_all_worked(3, first, "first call of start_workers")
    rec = Recorder(hold=True)
    try:
        held_round(3, rec, "(second call, with a slow init())")
        early = rec.works()
        assert not early, (
            f"on the second call of start_workers, work() was called for {sorted(early)} "
            "while that call's init() was still running. The Event (or flag) of the first "
            "call was still set: make a new Event in every call of start_workers, not one "
            "at module level."
        )
    finally:
        rec.release.set()


# --- init: once, in its own thread ----------------------------------------------


@pytest.mark.lesson
def test_init_runs_once_in_its_own_thread(late_workers):
    n = 4
    rec = Recorder()
    late_workers(rec)
    callers = []

    def call():
        callers.append(threading.current_thread())
        return start_workers(n, rec.init, rec.work)

    threads = call_with_deadline(call, what=f"start_workers({n}, init, work)")
    join_all(threads, f"the {n} workers")
    assert len(rec.init_threads) == 1, (
        f"init() was called {len(rec.init_threads)} times; it must run exactly once, "
        "however many workers there are (not once per worker)."
    )
    init_thread = rec.init_threads[0]
    assert init_thread is not callers[0], (
        "init() ran in the thread that called start_workers; run it in a new thread of "
        "its own, so that start_workers returns at once."
    )
    workers = {t for ts in rec.work_threads.values() for t in ts}
    assert init_thread not in workers, (
        f"init() ran in {init_thread.name}, a thread that also called work(): run init() "
        "in a thread of its own, not in one of the workers."
    )
    missing = sorted(t.name for t in workers - set(threads))
    assert not missing, (
        f"work() ran in threads that start_workers did not return ({missing}): "
        "return the worker threads, so that the caller can join them."
    )


# --- late workers: a notify before the wait is lost --------------------------------


@pytest.mark.lesson
def test_late_workers_still_run(late_workers):
    n = 4
    rec = Recorder()
    late_workers(rec)
    threads = start(n, rec, "with an init() that returns at once")
    try:
        join_all(threads, f"the {n} workers, started after init() had returned")
    except DeadlineExceeded as exc:
        raise DeadlineExceeded(
            f"work was called for {sorted(rec.works())} of {n} workers; the others wait "
            "forever. Workers that reach their wait AFTER init() has returned must not "
            "wait: a Condition's notify_all() only wakes threads that are waiting at that "
            "moment, and is lost for later ones. Use an Event (it stays set), or a flag "
            "checked under the Condition's lock: `while not ready: cond.wait()`."
            f"\n{exc}") from None
    check_all_worked(n, rec, "workers started after init() returned")


def test_late_workers_with_fast_init_many_rounds(late_workers):
    for round_ in range(5):
        rec = Recorder()
        late_workers(rec)  # each round's workers late for its own init (patched again)
        threads = start(3, rec, f"(round {round_ + 1}, init() returns at once)")
        try:
            join_all(threads, "the 3 workers")
        except DeadlineExceeded as exc:
            raise DeadlineExceeded(
                f"round {round_ + 1}: work was called for {sorted(rec.works())} of 3 "
                "workers. A worker that starts waiting after init() returned waits "
                "forever if the wake-up was a notify (lost: nobody was waiting yet). An "
                f"Event stays set, so late waiters go straight on.\n{exc}") from None
        check_all_worked(3, rec, f"round {round_ + 1}")
