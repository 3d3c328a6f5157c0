"""The grader's pytest plugin: the only bridge between a graded child process
and the grader.

Loaded in every pytest run of the project's venv (entry point ``pytest11``), so
the markers and per-test seeds also work when a student runs ``pytest``
directly. Grading mode (``--grader-events PATH``, given by the grader's child
process) adds: an event stream the parent reads while the run goes on (what
was collected, which test is running, how each ended), a time limit per test
that fails just that test with every thread's stack, and the grader's verdict
per test in pytest-json-report's report.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
from dataclasses import replace
from typing import Any

import pytest

from grader import diagnostics
from grader.diagnostics import explain, naming, races
from grader.diagnostics.explain import render
from grader.diagnostics.findings import Findings
from grader.runner import limits, mac, protocol
from grader.runner.protocol import Diagnosis, Status, Verdict
from grader.testing import switches
from grader.testing.aio import Diagnosed
from grader.testing.deadline import DeadlineExceeded
from grader.testing.switches import RaceFound

OUTPUT_CAP = 2000  # characters of a test's captured output kept in its message
# A test that ended so leaves threads stuck: the rest of the run gets a fresh process.
HANGS = (Status.DEADLOCK, Status.STALL, Status.TIMEOUT, Status.CRASH,
         Status.BLOCKED_LOOP)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader")
    group.addoption("--grader-events", default=None,
                    help="grading mode: write the grader's JSON-lines event stream here")
    group.addoption("--grader-test-timeout", type=float, default=10.0,
                    help="seconds each test may take (@pytest.mark.timeout_s overrides)")
    group.addoption("--grader-student-dir", default=None,
                    help="folder of the student's files (their frames are shown)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "weight(n): this test's share of the exercise's points "
                            "(default 1)")
    config.addinivalue_line("markers", "timeout_s(seconds): this test's own time limit")
    config.addinivalue_line("markers", "cpu_sensitive: must not share the CPU with other "
                            "graded runs")
    config.addinivalue_line("markers", "lesson: carries the exercise's lesson (catches one of "
                            "its must-catch mistakes): if it fails, the exercise counts for at "
                            "most half its points")
    config.addinivalue_line("markers", "switches(*modules, probability=0.02): run the test "
                            "with seeded thread switches injected between the bytecodes of "
                            "the named modules (races show every run)")
    events = config.getoption("--grader-events", None)
    if events:
        config.pluginmanager.register(GradingSession(config, events), "grader-session")


@pytest.fixture(autouse=True)
def _grader_seed(request: pytest.FixtureRequest):
    """Give each test its own seed, derived from the run's base seed."""
    races.set_current_seed(races.seed_for(request.node.nodeid.split("::", 1)[-1]))
    yield
    races.set_current_seed(None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """``@pytest.mark.switches("race")``: the test body runs with injected switches."""
    marker = item.get_closest_marker("switches")
    if marker is None:
        yield
        return
    import sys

    modules = [sys.modules[name] if isinstance(name, str) else name for name in marker.args]
    with switches.inject_switches(*modules, **marker.kwargs):
        yield


@pytest.fixture
def start_method(request: pytest.FixtureRequest):
    """The multiprocessing start method for one test (use with
    ``@pytest.mark.parametrize("start_method", ["fork", "spawn", "forkserver"],
    indirect=True)``); the previous method is restored afterwards."""
    import multiprocessing

    previous = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method(request.param, force=True)
    try:
        yield request.param
    finally:
        multiprocessing.set_start_method(previous, force=True)


@pytest.fixture
def seed() -> int:
    """The running test's seed (for tests that draw their own random numbers)."""
    return races.current_seed()


class TestTimeout(BaseException):  # noqa: N818 - reads well in a student's report
    """Raised in the main thread when a test runs past its time limit."""

    __test__ = False


class TestDiagnosed(BaseException):  # noqa: N818
    """Raised in the main thread when the watchdog found a deadlock or a stall."""

    __test__ = False

    def __init__(self, diagnosis: Diagnosis) -> None:
        super().__init__(render(diagnosis))
        self.diagnosis = diagnosis


def weight_of(item: pytest.Item) -> float:
    marker = item.get_closest_marker("weight")
    return float(marker.args[0]) if marker and marker.args else 1.0


def timeout_of(item: pytest.Item, default: float) -> float:
    marker = item.get_closest_marker("timeout_s")
    return float(marker.args[0]) if marker and marker.args else default


_PRIMITIVES = ("Lock", "RLock", "Condition", "Semaphore", "BoundedSemaphore", "Event",
               "Barrier", "Thread", "Timer", "local", "get_ident", "current_thread",
               "_allocate_lock")


def _primitives() -> dict[str, Any]:
    """The threading names a test relies on (replacing one cheats every test)."""
    import _thread

    found = {name: getattr(threading, name, None) for name in _PRIMITIVES}
    found.update({f"_thread.{name}": getattr(_thread, name, None)
                  for name in ("allocate_lock", "LockType", "start_new_thread", "RLock")})
    return found


_SEALED_ENTRY = re.compile(r"^\S*test_\w+\.py:\d+: in ")


def _clean_traceback(text: str) -> str:
    """pytest's text of a failed import, for a student: the test files' own
    entries (sealed: pytest shows ``???`` for their source) left out."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines():
        if _SEALED_ENTRY.match(line):
            skipping = True
            continue
        if skipping and line.startswith(" ") and line.strip() in ("???", ""):
            continue
        skipping = False
        if line.strip() == "???":
            continue
        out.append(line)
    return "\n".join(out)


def _cap(text: str, limit: int = OUTPUT_CAP) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... {len(text) - limit} more characters cut ...]"


class GradingSession:
    """Grading-mode hooks, registered only when ``--grader-events`` is given."""

    def __init__(self, config: pytest.Config, events_path: str) -> None:
        from grader.runner import stacks

        self._stacks = stacks
        self.fd = os.open(events_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self.default_timeout: float = config.getoption("--grader-test-timeout")
        student_dir = config.getoption("--grader-student-dir")
        self.student_dir = os.path.realpath(student_dir) + os.sep if student_dir else None
        if student_dir:
            stacks.set_student_dirs(student_dir)
        self.verdicts: dict[str, Verdict] = {}
        self.reported: set[str] = set()  # tests whose every phase reported
        self.current: pytest.Item | None = None
        self.current_timeout = 0.0
        self.fired = False
        self.main_ident = threading.main_thread().ident
        self.pending: Diagnosis | None = None
        self.delivered: Diagnosis | None = None
        self.armed = ""  # the phase of a test that runs now ("setup", "call", "teardown")
        self.findings = Findings(self.student_dir)
        from grader.runner import sealed

        sealed.install(config)
        self.primitives = _primitives()  # as the grader set them up, before student code
        self._guard_exit()
        self.snapshot = ""  # where the student's threads were when a test's socket timed out
        self._watch_socket_timeouts()
        # One handler for the whole session: an alarm that arrives between tests is
        # ignored, never left to SIGALRM's default action (which ends the process).
        signal.signal(signal.SIGALRM, self._on_alarm)
        if diagnostics._installed:
            from grader.diagnostics import watchdog

            watchdog.skip_old_news()
            watchdog.listener = self._on_diagnosis

    def _guard_exit(self) -> None:
        """``os._exit`` from the student's code, in this process, is reported
        (with its line) before the process ends: the parent names it."""
        real_exit, me = os._exit, os.getpid()

        def reported_exit(code: int) -> None:
            if os.getpid() == me:
                frames = tuple(explain.frame_line(f) for f in reversed(naming.student_frames(
                    sys._getframe(1), self.student_dir)))
                if frames:
                    nodeid = self.current.nodeid if self.current is not None else ""
                    self.emit(protocol.Exited(nodeid, int(code), frames))
            real_exit(code)

        os._exit = reported_exit  # type: ignore[assignment]

    def _watch_socket_timeouts(self) -> None:
        """A test that waits on a socket for the student's server (a reply that
        never comes) fails with a bare ``TimeoutError``: keep where the
        student's threads were at that moment (one stuck in ``recv``, say)."""
        import socket

        def watched(real: Any) -> Any:
            def call(sock: Any, *args: Any, **kwargs: Any) -> Any:
                try:
                    return real(sock, *args, **kwargs)
                except TimeoutError:
                    if self.current is not None and not self.snapshot:
                        self.snapshot = self._where_threads_are(
                            "when the test's socket timed out")
                    raise

            call.__doc__ = real.__doc__
            return call

        for name in ("recv", "recv_into", "recvfrom", "accept", "sendall", "connect"):
            setattr(socket.socket, name, watched(getattr(socket.socket, name)))

    def _on_diagnosis(self, diagnosis: Diagnosis) -> None:
        """From the watchdog's thread: fail the running test with it (now, if the
        test's body runs; else as soon as it does)."""
        if self.current is None:
            return
        self.pending = diagnosis
        if self.armed == "call":
            signal.pthread_kill(self.main_ident, signal.SIGALRM)

    def emit(self, event: protocol.Event) -> None:
        """One event on the stream, signed with the attempt's secret."""
        line = protocol.encode(event)
        if mac.run_token:
            line = f"{mac.sign(mac.run_token, line)} {line}"
        os.write(self.fd, (line + "\n").encode())

    # -- collection ---------------------------------------------------------
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            text = _clean_traceback(str(report.longreprtext))
            limit = limits.exceeded_in(text)
            if limit is not None:
                self.emit(protocol.CollectError(report.nodeid, _cap(
                    f"Resource limit: {limit}\n{text}", 20000), Status.RESOURCE))
            else:
                self.emit(protocol.CollectError(report.nodeid, _cap(text, 20000)))

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.emit(protocol.Collected(tuple(
            protocol.CollectedTest(
                nodeid=item.nodeid, weight=weight_of(item),
                timeout=timeout_of(item, self.default_timeout),
                cpu_sensitive=item.get_closest_marker("cpu_sensitive") is not None,
                lesson=item.get_closest_marker("lesson") is not None)
            for item in session.items)))

    # -- running ------------------------------------------------------------
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None):
        self.current, self.fired, self.delivered, self.snapshot = item, False, None, ""
        self.current_timeout = timeout_of(item, self.default_timeout)
        self.verdicts[item.nodeid] = Verdict(Status.PASSED)
        self.emit(protocol.Started(item.nodeid, self.current_timeout))
        self.findings.start(item.nodeid)
        signal.setitimer(signal.ITIMER_REAL, self.current_timeout)
        outcome = None
        try:
            outcome = yield
        finally:
            self.armed = ""
            signal.setitimer(signal.ITIMER_REAL, 0)
            self.current = self.pending = None
            self._stop_leftovers(item)
            self.findings.stop()
            verdict = self.verdicts[item.nodeid]
            if outcome is None or outcome.excinfo is not None or item.nodeid not in self.reported:
                # pytest itself was interrupted: whatever the verdict said so far is not one
                verdict = self.verdicts[item.nodeid] = Verdict(Status.ERROR, (
                    "the test could not complete: the grader interrupted pytest itself "
                    f"({outcome.excinfo[1]!r})" if outcome is not None and outcome.excinfo
                    else "the test did not report how it ended"), verdict.duration,
                    verdict.diagnosis)
            self.emit(protocol.Ended(item.nodeid, verdict))
            if verdict.status in HANGS and nextitem is not None:
                # Stuck threads keep what they hold (a module's lock, a queue's items):
                # the tests after this one run in a fresh child (the grader starts one).
                item.session.shouldstop = (f"{item.nodeid} ended as a {verdict.status}: the "
                                           "tests after it run in a fresh process")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item):
        yield from self._armed("setup")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        yield from self._armed("call")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item):
        yield from self._armed("teardown")

    def _armed(self, phase: str):
        """A phase of the test runs: the time limit may interrupt it (any phase)
        and so may a diagnosis (the test's body only: in a fixture's teardown it
        would break pytest's bookkeeping). Never pytest's own work between the
        phases: an exception there would crash pytest, not fail the test."""
        self.armed = phase
        if phase == "call" and self.pending is not None:
            signal.pthread_kill(self.main_ident, signal.SIGALRM)
        try:
            yield
        finally:
            self.armed = ""

    def _on_alarm(self, signum: int, frame: Any) -> None:
        if not self.armed:
            if self.current is not None and self.pending is None:
                signal.setitimer(signal.ITIMER_REAL, 0.05)  # between phases: try again soon
            return
        if self.pending is not None and self.armed == "call":
            diagnosis, self.pending = self.pending, None
            self.delivered = self.delivered or diagnosis  # the first one is the cause
            self.fired = True
            signal.setitimer(signal.ITIMER_REAL, 2.0)  # time for the test's clean-up
            raise TestDiagnosed(diagnosis)
        if self.fired:  # the test's clean-up hangs too: interrupt it again
            signal.setitimer(signal.ITIMER_REAL, 2.0)
            raise TestTimeout("the test's clean-up did not finish either")
        self.fired = True
        text = self._stacks.format_threads(frame, only=self._test_threads())
        run_dir = os.environ.get("GRADER_RUN_DIR")
        if run_dir:
            from grader.runner import procs

            children = procs.descendants({os.getpid()})
            if children:
                text += "\n\nChild processes:\n" + self._stacks.request_dumps(children, run_dir)
        signal.setitimer(signal.ITIMER_REAL, 3.0)  # time for the test's clean-up
        raise TestTimeout(
            f"this test did not finish within its time limit of {self.current_timeout:g} s. "
            f"Where every thread was at that moment:\n{text}")

    def _stop_leftovers(self, item: pytest.Item) -> None:
        """Threads of this test still spinning in the student's code would slow
        every later test down: stop them, and say so if the test failed."""
        if not self.student_dir:
            return
        from grader.testing.threads import stop_spinning

        mine = self._test_threads()
        leftovers = [t for t in threading.enumerate()
                     if t.ident != self.main_ident and (mine is None or t.ident in mine)]
        if not leftovers:
            return
        files = [os.path.join(self.student_dir, name) for name in os.listdir(self.student_dir)
                 if name.endswith(".py")]
        stopped = stop_spinning(leftovers, files)
        verdict = self.verdicts.get(item.nodeid)
        if stopped and verdict is not None and verdict.status is not Status.PASSED:
            self.verdicts[item.nodeid] = replace(verdict, message=(
                f"{verdict.message}\n\nAfter the test, these threads were still busy in your "
                f"code and were stopped: {', '.join(stopped)}."))

    def _where_threads_are(self, when: str) -> str:
        """Where the test's threads that still run the student's code are (one
        stuck in ``recv``, say), for the message of a test that just failed."""
        mine = self._test_threads()
        if mine is None:
            return ""
        others = {i for i in mine if i != self.main_ident}
        alive = {t.ident for t in threading.enumerate() if t.ident in others}
        text = self._stacks.format_threads(only=alive) if alive else ""
        if not text or not any(line.lstrip().startswith('File "') and "line" in line
                               and not line.lstrip().startswith('File "/')
                               for line in text.splitlines()):
            return ""  # none of them is in the student's code
        return f"\n\nWhere the threads of your code were {when}:\n{text}"

    def _test_threads(self) -> set[int] | None:
        """The running test's threads and the main thread (None: all threads)."""
        if not diagnostics._installed:
            return None
        from grader.diagnostics import state

        return {self.main_ident or 0} | {ident for ident, test in state.born_in.items()
                                         if test == state.current_test}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]):
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        verdict = self.verdicts.get(item.nodeid, Verdict(Status.PASSED))
        verdict = replace(verdict, duration=round(verdict.duration + report.duration, 4))
        if report.skipped and call.when != "teardown":
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            verdict = replace(verdict, status=Status.FAILED,
                              message=f"the test was skipped: {reason}")
        elif report.failed and verdict.status is Status.PASSED:
            verdict = self._failure(verdict, call, report)
        if call.when == "call":
            verdict = self.findings.judge(verdict)
        if call.when == "teardown":
            self.reported.add(item.nodeid)
            replaced = [name for name, obj in _primitives().items()
                        if obj is not self.primitives.get(name)]
            if replaced:
                verdict = replace(verdict, status=Status.ERROR, message=(
                    f"your code replaced {', '.join(replaced)}: the tests need the real "
                    "ones, so no test of this run can pass"))
        self.verdicts[item.nodeid] = verdict

    def _failure(self, verdict: Verdict, call: pytest.CallInfo[None],
                 report: pytest.TestReport) -> Verdict:
        """The verdict of a test that just failed in one of its phases."""
        excinfo = call.excinfo
        diagnosis = None
        if excinfo is not None and excinfo.errisinstance(TestDiagnosed):
            diagnosis = self.delivered or excinfo.value.diagnosis  # type: ignore[attr-defined]
            status = diagnosis.kind
        elif excinfo is not None and excinfo.errisinstance((TestTimeout, DeadlineExceeded)):
            status = Status.TIMEOUT
        elif excinfo is not None and excinfo.errisinstance(Diagnosed):
            diagnosis = excinfo.value.diagnosis  # type: ignore[attr-defined]
            status = diagnosis.kind
        elif excinfo is not None and excinfo.errisinstance(RaceFound):
            diagnosis = races.lost_update() or races.found_by_test(str(excinfo.value))
            status = Status.RACE
            if not diagnosis.summary.startswith(str(excinfo.value)):
                diagnosis = diagnosis.with_summary(f"{excinfo.value}\n\n{diagnosis.summary}")
        else:
            status = Status.FAILED if call.when == "call" else Status.ERROR
        message = render(diagnosis) if diagnosis else self._describe(excinfo, report)
        limit = limits.exceeded(excinfo.value) if excinfo is not None else None
        if limit is not None and diagnosis is None:
            status, message = Status.RESOURCE, f"Resource limit: {limit}\n{message}"
        elif diagnosis is None and status is not Status.TIMEOUT:
            message += self.snapshot or self._where_threads_are("when the test failed")
        if call.when != "call":
            message = f"in the test's {call.when}: {message}"
        if self.delivered is not None and diagnosis is None:
            # The diagnosis came first; the clean-up then failed or hung too (unless
            # that is a stub's NotImplementedError raised again: said already).
            diagnosis, status = self.delivered, self.delivered.kind
            again = (excinfo is not None and excinfo.errisinstance(NotImplementedError)
                     and status is Status.FAILED)
            message = render(self.delivered) + (
                "" if again else f"\n\nThen, while cleaning up: {message}")
        return replace(verdict, status=status, message=message, diagnosis=diagnosis)

    def _describe(self, excinfo: pytest.ExceptionInfo[BaseException] | None,
                  report: pytest.TestReport) -> str:
        """What went wrong, for a student: the exception and the student's
        frames, never the test's source."""
        if excinfo is None:
            return _cap(str(report.longreprtext), 4000)
        text = excinfo.exconly()
        if excinfo.errisinstance(AssertionError) and "\nassert " in text \
                and text.split("\n", 1)[0].strip() != "AssertionError":
            # The author's message says it all; pytest's introspection of the
            # assert expression would show the test's source.
            text = text.split("\nassert ", 1)[0]
        lines = [_cap(text, 8000)]
        if self.student_dir and not excinfo.errisinstance((TestTimeout, TestDiagnosed)):
            frames = [entry for entry in excinfo.traceback
                      if os.path.realpath(str(entry.path)).startswith(self.student_dir)]
            if frames:
                lines.append("In your code:")
                for entry in frames:
                    source = str(entry.statement).strip() if entry.statement else ""
                    lines.append(f"  {os.path.basename(str(entry.path))}, line "
                                 f"{entry.lineno + 1}, in {entry.name}: {source}")
        for title, text in (("printed", report.capstdout), ("printed to stderr",
                                                             report.capstderr)):
            if text.strip():
                lines.append(f"The test {title}:\n{_cap(text)}")
        return "\n".join(lines)

    # -- the report ---------------------------------------------------------
    @pytest.hookimpl(optionalhook=True)
    def pytest_json_modifyreport(self, json_report: dict[str, Any]) -> None:
        for test in json_report.get("tests", []):
            verdict = self.verdicts.get(test.get("nodeid"))
            if verdict is not None:
                test.setdefault("metadata", {})["grader"] = verdict.to_dict()
        if mac.run_token:  # signed as the grader will read it: verdicts included
            json_report["grader_mac"] = mac.sign(
                mac.run_token, mac.report_text(json_report.get("tests", [])))
