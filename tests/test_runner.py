"""The isolated runner: verdicts per test, crashes, hangs, the process tree."""

from __future__ import annotations

import os
import time

import pytest
from conftest import FIXTURES

from grader.course import Limits
from grader.runner.launch import Warm
from grader.runner.run import RunSpec, run_tests

TOY = FIXTURES / "toy"


@pytest.fixture(scope="module", params=["cold", "warm"])
def toy_run(request, tmp_path_factory):
    """The toy run on both paths: a fresh interpreter per child, and children
    forked by a warm server (stopped before the tests look: no process left)."""
    pidfile = tmp_path_factory.mktemp("orphan") / "pid"
    os.environ["TOY_PIDFILE"] = str(pidfile)
    launcher = Warm() if request.param == "warm" else None
    try:
        start = time.monotonic()
        outcome = run_tests(RunSpec(files={"toy.py": TOY / "toy.py"},
                                    tests=[TOY / "test_toy.py"], test_timeout=10, timeout=120),
                            launcher=launcher)
        return outcome, time.monotonic() - start, pidfile
    finally:
        if launcher is not None:
            launcher.close()
        del os.environ["TOY_PIDFILE"]


def status(outcome, name):
    return outcome.tests[f"test_toy.py::{name}"].status


def test_every_collected_test_is_reported(toy_run):
    outcome, _, _ = toy_run
    assert [t.nodeid.split("::")[1] for t in outcome.collected] == [
        "test_ok", "test_fail", "test_hang", "test_deadlock", "test_after_hang", "test_die",
        "test_after_die", "test_swallow", "test_last", "test_orphan"]
    assert set(outcome.tests) == {t.nodeid for t in outcome.collected}
    assert [t.weight for t in outcome.collected if t.nodeid.endswith("test_die")] == [3.0]


def test_pass_and_fail(toy_run):
    outcome = toy_run[0]
    assert status(outcome, "test_ok") == "passed"
    assert status(outcome, "test_fail") == "failed"
    assert "ok() should be 2" in outcome.tests["test_toy.py::test_fail"].message


def test_a_hung_test_times_out_alone_with_every_threads_stack(toy_run):
    outcome = toy_run[0]
    assert status(outcome, "test_hang") == "timeout"
    message = outcome.tests["test_toy.py::test_hang"].message
    assert "stuck-worker" in message and "MainThread" in message
    assert "toy.py" in message and "in hang" in message
    assert status(outcome, "test_after_hang") == "passed"


def test_a_deadlock_is_named_long_before_the_time_limit(toy_run):
    outcome = toy_run[0]
    assert status(outcome, "test_deadlock") == "deadlock"
    assert outcome.tests["test_toy.py::test_deadlock"].duration < 5  # limit: 10 s
    assert "stuck-worker" in outcome.tests["test_toy.py::test_deadlock"].message


def test_os_exit_in_a_test_fails_it_and_the_rest_still_runs(toy_run):
    outcome = toy_run[0]
    assert status(outcome, "test_die") == "error"
    message = outcome.tests["test_toy.py::test_die"].message
    assert "your code called os._exit(3)" in message and "toy.py, line 32, in die" in message
    assert status(outcome, "test_after_die") == "passed"


def test_a_test_that_swallows_the_timeout_is_killed_by_the_parent(toy_run):
    outcome = toy_run[0]
    assert status(outcome, "test_swallow") == "timeout"
    message = outcome.tests["test_toy.py::test_swallow"].message
    assert "did not stop when asked" in message and "swallow" in message
    assert status(outcome, "test_last") == "passed"


def test_setsid_grandchild_is_killed(toy_run):
    outcome, _, pidfile = toy_run
    assert status(outcome, "test_orphan") == "timeout"
    pid = int(pidfile.read_text())
    assert not os.path.exists(f"/proc/{pid}"), f"the setsid grandchild {pid} survived"


def test_output_is_captured_and_capped():
    outcome = run_tests(RunSpec(files={"toy.py": TOY / "toy.py"}, tests=[TOY / "test_shout.py"],
                                test_timeout=10, timeout=60, limits=Limits(output_kb=16)))
    assert outcome.tests["test_shout.py::test_shout"].status == "passed"
    assert len(outcome.output) < 17 * 1024
    assert "output cut here" in outcome.output


@pytest.mark.parametrize("path", ["cold", "warm"])
def test_a_clean_run_carries_no_notes_and_no_warnings(path):
    """A run that nothing went wrong in: its signed report is accepted, and
    pytest has nothing to warn about (warm: the preloaded plugins)."""
    launcher = Warm() if path == "warm" else None
    try:
        outcome = run_tests(RunSpec(files={"toy.py": TOY / "toy.py"},
                                    tests=[TOY / "test_quiet.py"], test_timeout=10, timeout=60),
                            launcher=launcher)
    finally:
        if launcher is not None:
            launcher.close()
    assert outcome.tests["test_quiet.py::test_quiet"].status == "passed"
    assert outcome.notes == []
    assert "warning" not in outcome.output.lower(), outcome.output


def test_import_error_is_reported_as_a_collection_error(tmp_path):
    broken = tmp_path / "toy.py"
    broken.write_text("def ok(:\n    return 1\n")
    outcome = run_tests(RunSpec(files={"toy.py": broken}, tests=[TOY / "test_toy.py"],
                                test_timeout=10, timeout=60))
    assert "SyntaxError" in outcome.collection_error
    assert "toy.py" in outcome.collection_error
    assert not outcome.tests


def test_the_exercise_time_limit_bounds_the_whole_run(tmp_path):
    """A test that swallows every timeout, with a per-test limit far away, runs
    until the exercise's limit ends it; the test after it never starts. (Only a
    quick test comes first: a busy machine's slow child start cannot use the
    limit up before the swallowing test begins.)"""
    (tmp_path / "test_limit.py").write_text(
        "import toy\n\n"
        "def test_ok():\n    assert toy.ok() == 1\n\n"
        "def test_swallow():\n    toy.swallow()\n\n"
        "def test_last():\n    assert toy.ok() == 1\n")
    start = time.monotonic()
    outcome = run_tests(RunSpec(files={"toy.py": TOY / "toy.py"},
                                tests=[tmp_path / "test_limit.py"], test_timeout=40, timeout=8))
    assert time.monotonic() - start < 40  # far below the 40 s test limit: the 8 s bound held
    assert outcome.tests["test_limit.py::test_ok"].status == "passed"
    swallow = outcome.tests["test_limit.py::test_swallow"]
    assert swallow.status == "timeout"
    assert "time limit of 8 s ran out" in swallow.message
    assert "test_limit.py::test_last" not in outcome.tests  # never started: no time left


def test_an_endless_loop_at_import_is_an_error_in_bounded_time(tmp_path):
    looping = tmp_path / "toy.py"
    looping.write_text("while True:\n    pass\n")
    start = time.monotonic()
    outcome = run_tests(RunSpec(files={"toy.py": looping}, tests=[TOY / "test_toy.py"],
                                test_timeout=2, timeout=120))
    assert time.monotonic() - start < 60  # the 120 s exercise limit was not waited out
    assert "importing your file did not finish" in outcome.collection_error
    assert "toy.py" in outcome.collection_error  # where it was looping


def test_a_forked_process_becomes_a_subreaper_of_its_own():
    """The subreaper attribute is not inherited by fork: a class grading's
    workers (forked after the grader became one) must set it themselves, or a
    run's orphans go to the grader, left as zombies until the class is done."""
    import ctypes

    from grader.runner import procs

    def is_subreaper() -> bool:
        flag = ctypes.c_int(0)
        ctypes.CDLL(None, use_errno=True).prctl(37, ctypes.byref(flag), 0, 0, 0)  # GET
        return flag.value == 1

    assert procs.become_subreaper() and is_subreaper()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report and leave at once
        os.write(write_end, b"%d%d" % (is_subreaper(), procs.become_subreaper()
                                       and is_subreaper()))
        os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as answer:
        assert answer.read() == b"01"  # not inherited; set once asked



def test_the_grader_reads_every_threads_frame_with_the_collector_paused(monkeypatch):
    """CPython 3.11 can start a garbage collection inside ``sys._current_frames()``
    (while it holds the thread-list lock), and a finalizer of that collection can
    freeze the whole process (gh-106883: a Pool under fork never finished, once
    in a few thousand). The grader's reads pause the collector, and leave it as
    they found it."""
    import gc
    import sys
    import threading

    from grader.runner import stacks

    seen = []
    real, me = sys._current_frames, threading.get_ident()

    def spy():  # (this thread's reads only: whatever else might read meanwhile)
        if threading.get_ident() == me:
            seen.append(gc.isenabled())
        return real()

    monkeypatch.setattr(sys, "_current_frames", spy)
    was = gc.isenabled()
    try:
        gc.enable()
        assert threading.get_ident() in stacks.current_frames()
        assert gc.isenabled()  # on again afterwards
        gc.disable()  # (a student's code may have turned it off: it stays off)
        stacks.current_frames()
        assert not gc.isenabled()
    finally:
        gc.enable() if was else gc.disable()
    assert seen == [False, False]


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")  # (3.12+: on purpose)
def test_a_fork_in_the_middle_of_a_frames_read_leaves_the_child_able_to_read():
    """Another thread may fork while a grader thread reads the frames (the
    collector paused, the lock held): the child has no such read under way, so
    its collector is on and its own reads do not wait for a thread it lacks."""
    import gc
    import threading

    from grader.runner import stacks

    holding, done = threading.Event(), threading.Event()

    def reader() -> None:  # a read under way, stopped in the middle
        with stacks._frames_lock:
            holding.set()
            done.wait(60)

    thread = threading.Thread(target=reader)
    thread.start()
    assert holding.wait(60)
    read_end, write_end = os.pipe()
    gc.disable()
    stacks._collector_paused = True
    try:
        pid = os.fork()
        if pid == 0:
            os.write(write_end, b"%d%d" % (gc.isenabled(), stacks._frames_lock.acquire(False)))
            os._exit(0)
    finally:
        stacks._collector_paused = False
        gc.enable()
        done.set()
        thread.join(60)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as answer:
        assert answer.read() == b"11"


def test_no_grader_module_reads_frames_around_the_pause():
    """Every read of all threads' frames goes through ``stacks.current_frames``."""
    from pathlib import Path

    import grader

    root = Path(grader.__file__).parent
    direct = [str(p.relative_to(root)) for p in root.rglob("*.py")
              if "sys._current_frames()" in p.read_text() and p.name != "stacks.py"]
    assert not direct, f"these call sys._current_frames() directly: {direct}"
