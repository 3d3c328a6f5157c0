"""Diagnostics, table-driven: each concurrency bug is named with the right kind
well before its test's time limit; healthy but slow programs get no report."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from grader.runner.run import RunSpec, run_tests

DIAG = FIXTURES / "diag"
TEST_LIMIT = 8.0

EXPECTED = {
    "thread_crash": "crash",
    "thread_crash_seen_before_the_wait": "crash",
    "process_crash": "crash",
    "hang_holding_a_module_lock": "stall",
    "abba": "deadlock",
    "philosophers": "deadlock",
    "lock_reacquired": "deadlock",
    "wait_without_notify": "stall",
    "consumer_without_sentinel": "stall",
    "barrier_short": "stall",
    "join_blocked": "stall",
    "nested_result": "stall",
    "pool_worker_hangs": "deadlock",
    "inversion_without_hang": "potential-deadlock",
    "join_full_queue": "stall",
    "lost_wakeup": "stall",
    "sleeper": "passed",
    "poller": "passed",
    "timer": "passed",
    "slow_pipeline": "passed",
    "slow_pool": "passed",
    "ordered_locks": "passed",
    "busy_worker": "passed",
    "join_after_draining": "passed",
    "lock_handed_over": "passed",
    "slow_spawned_worker": "passed",  # never killed by the watchdog's look at its stack
    # a slow machine, made on purpose: no stall, no deadlock
    "slow_thread_start": "passed",
    "slow_pool_initializer": "passed",
    "stopped_child": "passed",
    "uses_the_module_lock": "passed",  # after a hang: the rest runs in a fresh process
}


@pytest.fixture(scope="module")
def outcome():
    return run_tests(RunSpec(files={"scenarios.py": DIAG / "scenarios.py"},
                             tests=[DIAG / "test_scenarios.py"], test_timeout=TEST_LIMIT,
                             timeout=300))


def result(outcome, name):
    return outcome.tests[f"test_scenarios.py::test_scenario[{name}]"]


AIO_EXPECTED = {
    "test_async[aio_threading_lock]": ("blocked-loop", ["`_thread_lock`", "with _thread_lock:"]),
    "test_async[aio_sleep_blocks]": ("blocked-loop", ["time.sleep(0.5)", "scenarios.py, line"]),
    "test_async[aio_forgotten_task_done]": ("stall", ["`task_done()` for every item of `jobs`",
                                                      "await jobs.get()"]),
    "test_async[aio_opposite_orders]": ("deadlock", ["holds `first`", "waits for `second`"]),
    "test_async[aio_not_awaited]": ("never-awaited", ["`sleep`", "asyncio.sleep(0)"]),
    "test_async[aio_slow_but_fine]": ("passed", []),
    "test_async_serial": ("serial", ["one after another", "0 started, 0 done, 1 started"]),
    "test_async_race": ("race", ["overdraft", "seed"]),
}


@pytest.mark.parametrize(("name", "expected"), AIO_EXPECTED.items())
def test_asyncio_diagnosed_with_the_right_kind(outcome, name, expected):
    """Through the grader: kinds, the student's lines, no internal name."""
    kind, words = expected
    got = outcome.tests[f"test_scenarios.py::{name}"]
    assert got.status == kind, f"{name}: {got.status}\n{got.message}"
    for word in words:
        assert word in got.message, (word, got.message)
    assert "grader/" not in got.message and "aio.py" not in got.message
    if kind != "passed":
        assert got.duration < TEST_LIMIT / 2, f"{name} took {got.duration:.1f} s"


@pytest.mark.parametrize(("name", "kind"), EXPECTED.items())
def test_diagnosed_with_the_right_kind(outcome, name, kind):
    got = result(outcome, name)
    assert got.status == kind, f"{name}: {got.status}\n{got.message}"
    if kind != "passed":
        # Found by the watchdog or the lock-order graph, not by the time limit.
        assert got.duration < TEST_LIMIT / 2, f"{name} took {got.duration:.1f} s"


def test_deadlock_names_threads_locks_and_lines(outcome):
    message = result(outcome, "abba").message
    assert "Thread-1 (one)" in message and "Thread-2 (two)" in message
    assert "holds `a`" in message and "waits for `b`" in message
    assert "scenarios.py:19 in one: with b:" in message
    assert "created at scenarios.py:13" in message


def test_philosophers_forks_are_named_by_index(outcome):
    message = result(outcome, "philosophers").message
    for i in range(5):
        assert f"`forks[{i}]`" in message


def test_self_deadlock_says_lock_is_not_reentrant(outcome):
    got = result(outcome, "lock_reacquired")
    assert "`self.lock`" in got.message and "RLock" in got.message
    assert "in incr: self.add(1)" in got.message
    from grader.reports import student

    why = student.explain(got.status, test=got)  # type: ignore[arg-type]
    assert why.happened == student.SELF_DEADLOCK.happened  # not "a circle"
    abba = result(outcome, "abba")
    assert student.explain(abba.status, test=abba).happened != why.happened  # type: ignore


def test_stall_says_what_each_thread_waits_for(outcome):
    assert "waits in get() for an item from the queue `q`" in result(
        outcome, "consumer_without_sentinel").message
    assert "(2 of 3 parties have arrived)" in result(outcome, "barrier_short").message
    assert "waits on the condition `cond`" in result(outcome, "wait_without_notify").message


def test_a_death_is_named_with_its_exception_and_line(outcome):
    thread = result(outcome, "thread_crash")
    assert "Thread-" in thread.message and "died with ZeroDivisionError" in thread.message
    assert "scenarios.py" in thread.message and "_worker_that_divides" in thread.message
    assert thread.diagnosis.threads[0].frames[-1].function == "_worker_that_divides"
    process = result(outcome, "process_crash")
    assert "process" in process.message and "died with ZeroDivisionError" in process.message


def test_a_hang_costs_only_its_own_test(outcome):
    assert outcome.attempts > 1  # a fresh process after each hang
    assert result(outcome, "uses_the_module_lock").status == "passed"


def test_a_pool_workers_deadlock_is_reported_from_the_child(outcome):
    message = result(outcome, "pool_worker_hangs").message
    assert "In a child process" in message and "_stuck_task" in message


def test_inversion_gives_both_acquisition_sites(outcome):
    message = result(outcome, "inversion_without_hang").message
    assert "scenarios.py:133" in message and "scenarios.py:135" in message


def test_join_on_a_process_blocked_on_a_full_queue_is_explained(outcome):
    message = result(outcome, "join_full_queue").message
    assert "cannot finish: it put items on a multiprocessing Queue" in message
    assert "scenarios.py" in message and "p.join()" in message


def test_a_notified_waiter_that_has_not_run_yet_is_not_stuck():
    """On a busy machine a notified thread may wait a while for the CPU; its
    wait is still recorded, but it is no stall (a reference once failed so)."""
    import threading

    from grader.diagnostics import primitives, state, watchdog
    from grader.testing import wait_until

    cond = primitives.TrackedCondition()
    go = []

    def waiter():
        with cond:
            while not go:
                cond.wait()

    thread = threading.Thread(target=waiter)
    thread.start()
    try:
        assert wait_until(lambda: getattr(state.waits.get(thread.ident), "waiter", None), 10)
        with cond:  # the waiter cannot go on while this holds the lock
            wait = state.waits[thread.ident]
            assert wait.kind == "condition" and watchdog._blocked(wait)
            go.append(True)
            cond.notify()
            assert state.waits.get(thread.ident) is wait  # still recorded ...
            assert not watchdog._blocked(wait)  # ... but no longer stuck
    finally:
        with cond:
            go.append(True)
            cond.notify_all()
        thread.join(10)
    assert not thread.is_alive()


def test_the_watchdog_runs_when_its_thread_starts_before_its_creator_goes_on(monkeypatch):
    """On a busy machine a new thread can run before the thread that started it
    has stored anything about it: the watchdog must not take itself for a stale
    one then and stop (a forked pool worker's deadlock went unreported)."""
    import _thread
    import threading

    from grader.diagnostics import watchdog

    ran = threading.Event()
    real_start = _thread.start_new_thread

    def start_and_let_it_run_first(function, args):
        ident = real_start(function, args)
        ran.wait(5)  # the new thread gets going before this call returns
        return ident

    monkeypatch.setattr(watchdog, "POLL", 0.001)
    monkeypatch.setattr(watchdog, "check", ran.set)
    monkeypatch.setattr(watchdog._thread, "start_new_thread", start_and_let_it_run_first)
    watchdog._spawn()
    try:
        assert ran.is_set(), "the watchdog stopped before it looked once"
        ran.clear()
        assert ran.wait(5)  # and it keeps looking
    finally:
        watchdog._generation += 1  # a newer generation: this thread stops


def test_an_endless_loop_is_found_by_its_cpu_long_before_the_deadline(outcome):
    got = outcome.tests["test_scenarios.py::test_called[endless_call]"]
    assert got.status == "timeout", (got.status, got.message)
    # found by its CPU (the message says so), not by the test's time limit
    assert "2 s of CPU in your code without returning" in got.message
    assert "scenarios.py" in got.message and "endless_call" in got.message
    assert "(called by the test)" in got.message and "deadline:" not in got.message


def test_a_lost_update_seen_by_a_test_s_own_check_is_a_race(outcome):
    got = outcome.tests["test_scenarios.py::test_race_seen_by_the_test"]
    assert got.status == "race", (got.status, got.message)
    assert "updates were lost" in got.message and "Hold one lock" in got.message


def test_a_later_test_in_a_known_endless_loop_is_not_waited_out(outcome):
    got = outcome.tests["test_scenarios.py::test_called_again"]
    assert got.status == "timeout", (got.status, got.message)
    assert "the endless loop an earlier test found" in got.message
    assert "in endless_call" in got.message


# -- timelines ------------------------------------------------------------------------

TIMELINES = {  # test -> (verdict, lanes it must have, the kind of event that explains it)
    "test_scenarios.py::test_scenario[abba]": (
        "deadlock", {"MainThread", "Thread-1 (one)", "Thread-2 (two)"}, "wait"),
    "test_scenarios.py::test_scenario[lost_wakeup]": ("stall", {"MainThread", "waiter"},
                                                     "cond-wait"),
    "test_scenarios.py::test_scenario[thread_crash]": (
        "crash", {"MainThread", "Thread-1 (_worker_that_divides)"}, "crash"),
    "test_scenarios.py::test_scenario[thread_crash_seen_before_the_wait]": (
        "crash", {"MainThread", "Thread-1 (_worker_that_divides)"}, "crash"),
    "test_scenarios.py::test_lost_update": ("race", set(), "stale-write"),
}


@pytest.mark.parametrize("nodeid", TIMELINES)
def test_a_verdict_carries_a_timeline_in_the_student_s_names(outcome, nodeid):
    from grader.reports import timeline as drawing
    from grader.runner.protocol import Diagnosis

    got = outcome.tests[nodeid]
    kind, lanes, explaining = TIMELINES[nodeid]
    assert got.status == kind, (got.status, got.message)
    tl = got.diagnosis.timeline
    assert tl is not None and lanes <= set(tl.lanes), tl
    assert any(e.kind == explaining for e in tl.events), tl.events
    for e in tl.events:  # only the student's code, at its own lines
        assert e.thread in tl.lanes
        assert e.kind == "end" or (e.file == "scenarios.py" and e.line > 0), e
    # results.json carries it whole
    assert Diagnosis.from_dict(got.diagnosis.to_dict()).timeline == tl
    text = drawing.text(tl, kind)
    assert all(f"  {lane}" in text for lane in tl.lanes), text


def test_the_timelines_tell_what_happened_in_order(outcome):
    def events(nodeid):
        return outcome.tests[f"test_scenarios.py::{nodeid}"].diagnosis.timeline.events

    waits = {(e.thread, e.obj, e.other) for e in events("test_scenario[abba]")
             if e.kind == "wait"}
    assert waits == {("Thread-1 (one)", "b", "Thread-2 (two)"),
                     ("Thread-2 (two)", "a", "Thread-1 (one)")}
    kinds = [(e.thread, e.kind) for e in events("test_scenario[lost_wakeup]")]
    assert kinds.index(("MainThread", "notify")) < kinds.index(("waiter", "cond-wait"))
    for scenario in ("thread_crash", "thread_crash_seen_before_the_wait"):
        # the crash is told once something waits (here the main thread, for its
        # result), not at the instant of the death
        crash = events(f"test_scenario[{scenario}]")
        assert any(e.kind == "crash" and e.obj == "ZeroDivisionError" for e in crash)
        assert any(e.thread == "MainThread" and e.kind == "get-wait" and e.obj == "results"
                   for e in crash), crash
    race = [e for e in events("test_lost_update") if e.kind in ("read", "write", "stale-write")]
    assert [e.kind for e in race] == ["read", "write", "stale-write"]
    assert race[0].thread == race[2].thread != race[1].thread
    assert race[2].other == race[1].thread and all(e.obj == "value" for e in race)


def test_feedback_html_shows_each_timeline_in_chromium(outcome, tmp_path):
    """The student's page in a real browser: one SVG per verdict, its lanes
    named; a screenshot for people in build/timelines.png."""
    from conftest import ROOT, browse

    from grader.model import ExerciseResult, StudentResult, TestResult
    from grader.reports import feedback

    tests = [TestResult(name=nodeid, status=outcome.tests[nodeid].status, score=0,
                        max_score=1, message=outcome.tests[nodeid].message,
                        diagnosis=outcome.tests[nodeid].diagnosis) for nodeid in TIMELINES]
    result = StudentResult("sam", {"scenarios": ExerciseResult(
        "scenarios", tests[0].status, 4, tests)})
    page = tmp_path / "feedback.html"
    feedback.write_html(page, result)
    dom = browse(page, tmp_path, "--dump-dom")
    assert dom.count('<svg xmlns="http://www.w3.org/2000/svg" class="timeline"') == len(TIMELINES)
    for nodeid in TIMELINES:
        for lane in outcome.tests[nodeid].diagnosis.timeline.lanes:
            assert f'data-lane="{lane}"' in dom, lane
    shot = ROOT / "build" / "timelines.png"
    shot.parent.mkdir(exist_ok=True)
    shot.unlink(missing_ok=True)
    browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1100,3600", "--hide-scrollbars")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
