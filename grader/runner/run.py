"""The parent side of a run: one submission's tests of one exercise, in a
fresh child process per attempt.

The parent owns the wall clock. The plugin's per-test alarm normally fails a
hung test inside the child; if that does not work (the student swallowed the
exception, the child crashed, ``os._exit``), the parent collects every stack,
kills the whole process tree and starts a new child for the tests not yet run.
A test that never reported is scored as failed, with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.course import Limits
from grader.runner import procs, stacks, warm

SITE_DIR = Path(__file__).resolve().parent / "site"
POLL = 0.05  # seconds between looks at the child
BACKSTOP_GRACE = 8.0  # seconds past a test's limit before the parent kills the run
_DROP_ENV = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTHONSTARTUP", "PYTHONINSPECT",
             "PYTHONHOME", "PYTHONSAFEPATH")


@dataclass(frozen=True)
class CollectedTest:
    """A test the run is expected to report on."""

    nodeid: str
    weight: float = 1.0
    timeout: float = 10.0
    cpu_sensitive: bool = False  # must not share the machine with other runs


@dataclass
class TestOutcome:
    """How one test ended."""

    status: str
    message: str = ""
    duration: float = 0.0
    diagnosis: dict[str, Any] | None = None


@dataclass
class RunSpec:
    """What to run: the student's files, the test files, the limits."""

    files: dict[str, Path]  # file name in the scratch folder -> where it comes from
    tests: list[Path]
    test_timeout: float
    timeout: float
    limits: Limits = field(default_factory=Limits)
    seed: int = 0
    collect_only: bool = False
    keep_dir: bool = False
    exercise: str = ""  # the slug, for messages that say how to replay


@dataclass
class RunOutcome:
    """What a run produced."""

    collected: list[CollectedTest] = field(default_factory=list)
    tests: dict[str, TestOutcome] = field(default_factory=dict)
    collection_error: str = ""
    output: str = ""
    notes: list[str] = field(default_factory=list)
    attempts: int = 0
    killed: int = 0
    run_dir: Path | None = None


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def _exit_text(code: int) -> str:
    if code < 0:
        extra = {"SIGKILL": " (out of memory, or killed)", "SIGXCPU": " (CPU time limit)",
                 "SIGSEGV": " (a crash in C code)"}.get(_signal_name(code), "")
        return f"was killed by {_signal_name(code)}{extra}"
    return f"exited with code {code}"


class _Run:
    def __init__(self, spec: RunSpec, run_dir: Path) -> None:
        self.spec = spec
        self.dir = run_dir
        self.work = run_dir / "work"
        self.tests_dir = run_dir / "tests"
        self.out = RunOutcome(run_dir=run_dir if spec.keep_dir else None)
        self.output_path = run_dir / "output.txt"
        self.started: dict[str, tuple[float, float]] = {}  # nodeid -> (monotonic, timeout)
        self.collected = False  # this attempt's child has finished collecting
        self.live: tuple[subprocess.Popen[bytes] | warm.WarmChild, set[int]] | None = None

    # -- preparation ----------------------------------------------------------
    def prepare(self) -> None:
        self.work.mkdir()
        self.tests_dir.mkdir()
        for name, source in self.spec.files.items():
            shutil.copyfile(source, self.work / name)
        for test in self.spec.tests:
            shutil.copyfile(test, self.tests_dir / test.name)
        (self.dir / "pytest.ini").write_text("[pytest]\n")

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _DROP_ENV}
        env.update(
            PYTHONPATH=os.pathsep.join([str(SITE_DIR), str(self.work)]),
            PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
            MALLOC_ARENA_MAX="2",
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONFAULTHANDLER="1",
            GRADER_RUN_DIR=str(self.dir),
            GRADER_STUDENT_DIR=str(self.work),
            GRADER_SEED=str(self.spec.seed),
            GRADER_EXERCISE=self.spec.exercise or "SLUG",
        )
        return env

    def spec_file(self, attempt: int, select: list[str]) -> tuple[Path, Path, Path]:
        events = self.dir / f"events-{attempt}.jsonl"
        report = self.dir / f"report-{attempt}.json"
        lim = self.spec.limits
        data = {
            "workdir": str(self.work),
            "tests": [str(self.tests_dir / t.name) for t in self.spec.tests],
            "tests_dir": str(self.tests_dir),
            "select": [str(self.tests_dir / n) for n in select],
            "ini": str(self.dir / "pytest.ini"),
            "report": str(report),
            "events": str(events),
            "test_timeout": self.spec.test_timeout,
            "collect_only": self.spec.collect_only,
            "limits": {"memory_mb": lim.memory_mb, "cpu_seconds": lim.cpu_seconds,
                       "file_size_mb": lim.file_size_mb, "open_files": lim.open_files},
        }
        path = self.dir / f"spec-{attempt}.json"
        path.write_text(json.dumps(data))
        return path, events, report

    # -- one attempt ------------------------------------------------------------
    def start_child(self, spec_path: Path, server: warm.WarmServer | None
                    ) -> subprocess.Popen[bytes] | warm.WarmChild:
        """The one place a run's child is started: forked by this process's warm
        server when one is running, else a fresh interpreter (the cold path).
        A run under a sandbox's argv prefix must take the cold path."""
        if server is not None:
            try:
                return server.start(spec_path, self.work, self.env(), self.output_path)
            except warm.ServerGone:
                warm.stop()  # the next run starts a fresh one; this one goes cold
        with open(self.output_path, "ab") as output:
            return subprocess.Popen(
                [sys.executable, "-m", "grader.runner.child", str(spec_path)],
                cwd=self.work, env=self.env(), stdin=subprocess.DEVNULL, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True)

    def attempt(self, number: int, select: list[str], deadline: float) -> bool:
        """Run one child; return True if it made progress."""
        spec_path, events_path, report_path = self.spec_file(number, select)
        server = warm.current()  # (re)started before the baseline: never a run's process
        baseline = procs.own_children()
        child = self.start_child(spec_path, server)
        self.live = (child, baseline)  # for abort()
        reader = _EventReader(events_path)
        current: str | None = None
        verdict: tuple[str, str] | None = None  # (status, message) given by the parent
        before = len(self.out.tests)
        started = time.monotonic()
        self.collected = False
        while True:
            for event in reader.read():
                current = self.on_event(event, current)
            if child.poll() is not None:
                break
            now = time.monotonic()
            if not self.collected and now > started + self.spec.test_timeout + BACKSTOP_GRACE:
                verdict = ("error", "importing your file did not finish within "
                           f"{self.spec.test_timeout + BACKSTOP_GRACE:g} s: an endless loop "
                           "or a blocking call at import time?")
                break
            if current is not None:
                began, limit = self.started[current]
                if now > began + limit + BACKSTOP_GRACE:
                    verdict = ("timeout", f"this test did not finish within its time limit "
                               f"of {limit:g} s, and did not stop when asked to")
                    break
            if now > deadline:
                verdict = ("timeout", "the exercise's time limit of "
                           f"{self.spec.timeout:g} s ran out during this test")
                break
            child.pause(POLL) if isinstance(child, warm.WarmChild) else time.sleep(POLL)
        if verdict is not None:
            where = stacks.request_dumps(procs.run_processes(child.pid, baseline), self.dir,
                                         student_dir=self.work)
            if where:
                verdict = (verdict[0], f"{verdict[1]}. Where every thread was at that "
                           f"moment:\n{where}")
        self.out.killed += procs.kill_run(child.pid, baseline)
        code = child.wait()
        procs.reap_adopted(baseline)
        for event in reader.read():
            current = self.on_event(event, current)
        self.read_report(report_path)
        if not self.collected and verdict is not None:
            self.out.collection_error = verdict[1]
        elif current is not None and current not in self.out.tests:
            if verdict is None:
                verdict = ("error", f"the test process {_exit_text(code)} during this test, "
                           "before it could report (os._exit, a crash, or a kill)")
            self.out.tests[current] = TestOutcome(*verdict)
        elif verdict is not None:
            self.out.notes.append(verdict[1])
        elif code not in (0, 1, 2, 5) and not self.out.collection_error:
            self.out.notes.append(f"the test process {_exit_text(code)}")
        return len(self.out.tests) > before

    def on_event(self, event: dict[str, Any], current: str | None) -> str | None:
        kind = event.get("event")
        if kind in ("collected", "collect_error"):
            self.collected = True
        if kind == "collected" and not self.out.collected:
            self.out.collected = [CollectedTest(t["nodeid"], t.get("weight", 1.0),
                                                t.get("timeout", self.spec.test_timeout),
                                                bool(t.get("cpu_sensitive", False)))
                                  for t in event.get("tests", [])]
        elif kind == "collect_error":
            self.out.collection_error += event.get("message", "")
        elif kind == "start":
            self.started[event["nodeid"]] = (time.monotonic(),
                                             float(event.get("timeout", self.spec.test_timeout)))
            return event["nodeid"]
        elif kind == "end":
            self.out.tests[event["nodeid"]] = TestOutcome(
                event.get("status", "failed"), event.get("message", ""),
                float(event.get("duration", 0.0)), event.get("diagnosis"))
            return None
        return current

    def read_report(self, path: Path) -> None:
        """pytest-json-report's verdicts, where the child lived to write them."""
        try:
            report = json.loads(path.read_text())
        except (OSError, ValueError):
            return
        for test in report.get("tests", []):
            verdict = (test.get("metadata") or {}).get("grader")
            if verdict:
                self.out.tests[test["nodeid"]] = TestOutcome(
                    verdict["status"], verdict.get("message", ""), verdict.get("duration", 0.0),
                    verdict.get("diagnosis"))

    def abort(self) -> None:
        """Interrupted (Ctrl-C, SIGTERM): the running child's tree dies with us."""
        if self.live is not None:
            child, baseline = self.live
            procs.kill_run(child.pid, baseline)
            child.wait()
            procs.reap_adopted(baseline)

    # -- the whole run -----------------------------------------------------------
    def execute(self, expected: list[CollectedTest] | None) -> RunOutcome:
        self.prepare()
        deadline = time.monotonic() + self.spec.timeout
        select: list[str] = []
        while True:
            self.out.attempts += 1
            progressed = self.attempt(self.out.attempts, select, deadline)
            wanted = expected if expected is not None else self.out.collected
            left = [t.nodeid for t in wanted if t.nodeid not in self.out.tests]
            if (self.spec.collect_only or not left or self.out.collection_error
                    or not progressed or time.monotonic() > deadline):
                break
            select = left
        self.out.output = self.read_output()
        return self.out

    def read_output(self) -> str:
        cap = self.spec.limits.output_kb * 1024
        try:
            with open(self.output_path, "rb") as f:
                data = f.read(cap + 1)
                total = os.fstat(f.fileno()).st_size
        except OSError:
            return ""
        text = data[:cap].decode(errors="replace")
        if total > cap:
            text += f"\n[... output cut here: {total - cap} more bytes not shown ...]\n"
        return text


class _EventReader:
    """Reads complete JSON lines appended to the event stream."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.partial = b""

    def read(self) -> list[dict[str, Any]]:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except OSError:
            return []
        self.offset += len(data)
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        events = []
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                events.append(event)
        return events


def run_tests(spec: RunSpec, expected: list[CollectedTest] | None = None) -> RunOutcome:
    """Run ``spec`` in isolated child processes; ``expected`` lists the tests
    that must report (default: whatever the first child collected)."""
    procs.become_subreaper()
    run_dir = Path(tempfile.mkdtemp(prefix="grader-run-"))
    try:
        run = _Run(spec, run_dir)
        try:
            return run.execute(expected)
        except BaseException:
            run.abort()
            raise
    finally:
        if not spec.keep_dir:
            shutil.rmtree(run_dir, ignore_errors=True)
