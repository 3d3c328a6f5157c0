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
import secrets
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
from grader.runner import DROP_ENV, SITE_DIR, mac, pidcap, procs, sandbox, stacks, warm

# The folder holding this grader package: the child imports the same grader as
# the parent (not another copy an installed venv may point to).
GRADER_HOME = Path(__file__).resolve().parent.parent.parent
POLL = 0.05  # seconds between looks at the child
BACKSTOP_GRACE = 8.0  # seconds past a test's limit before the parent kills the run


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
    sandbox: bool = False  # run the child under bubblewrap (grader.runner.sandbox)
    select: list[str] = field(default_factory=list)  # node ids to run (default: all tests)


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
        self.ended: set[str] = set()  # tests whose verdict arrived (once each, or refused)
        self.refused: set[str] = set()  # tests that reported twice or inconsistently
        self.live: tuple[subprocess.Popen[bytes] | warm.WarmChild, set[int]] | None = None

    # -- preparation ----------------------------------------------------------
    def prepare(self) -> None:
        self.work.mkdir()
        for name, source in self.spec.files.items():
            shutil.copyfile(source, self.work / name)
        (self.dir / "pytest.ini").write_text("[pytest]\n")

    def place_tests(self) -> None:
        """A fresh copy of the test files for each child, which seals them
        (grader.runner.sealed); whatever the last child left there is gone."""
        if self.tests_dir.is_symlink() or self.tests_dir.is_file():
            self.tests_dir.unlink()
        shutil.rmtree(self.tests_dir, ignore_errors=True)
        self.tests_dir.mkdir()
        for test in self.spec.tests:
            shutil.copyfile(test, self.tests_dir / test.name)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in DROP_ENV}
        env.update(
            PYTHONPATH=os.pathsep.join([str(SITE_DIR), str(self.work), str(GRADER_HOME)]),
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

    def command(self, spec_path: Path) -> list[str]:
        """The child's command line: the ONE place where the sandbox applies."""
        cmd = [sys.executable, "-m", "grader.runner.child", str(spec_path)]
        if self.spec.sandbox:
            cmd = sandbox.prefix(self.dir, self.work) + cmd
        return cmd

    # -- one attempt ------------------------------------------------------------
    def start_child(self, spec_path: Path, server: warm.WarmServer | None, token: str,
                    cap: pidcap.PidCap) -> subprocess.Popen[bytes] | warm.WarmChild:
        """The one place a run's child is started: forked by this process's warm
        server when one runs and no sandbox wraps the command, else a fresh
        interpreter (the cold path). Either way the child gets the attempt's
        secret on a pipe and starts inside the run's pids group."""
        env = self.env()
        if server is not None and not self.spec.sandbox:
            try:
                return server.start(spec_path, self.work, env, self.output_path, token,
                                    cap.procs_file())
            except warm.ServerGone:
                warm.stop()  # the next run starts a fresh one; this one goes cold
        read_end, write_end = os.pipe()
        os.write(write_end, token.encode())
        os.close(write_end)
        env["GRADER_TOKEN_FD"] = str(read_end)
        try:
            with open(self.output_path, "ab") as output:
                return subprocess.Popen(
                    cap.wrap(self.command(spec_path)), cwd=self.work, env=env,
                    stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                    start_new_session=True, pass_fds=(read_end,))
        finally:
            os.close(read_end)

    def attempt(self, number: int, select: list[str], deadline: float) -> bool:
        """Run one child; return True if it made progress."""
        spec_path, events_path, report_path = self.spec_file(number, select)
        self.place_tests()
        # (re)started before the baseline: the server is never a run's process
        server = None if self.spec.sandbox else warm.current()
        baseline = procs.own_children()
        # A secret per attempt, read by the child before any student code runs:
        # events and reports without it are not the run's own.
        token = secrets.token_hex(16)
        cap = pidcap.PidCap(self.spec.limits.processes)
        child = self.start_child(spec_path, server, token, cap)
        self.live = (child, baseline)  # for abort()
        reader = _EventReader(events_path, token)
        polls = 0
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
            polls += 1
            if polls % 5 == 0 and len(procs.run_processes(child.pid, baseline)) > cap.limit:
                verdict = ("error", f"your code started more than {cap.limit} processes "
                           "at once (a fork bomb?), so the run was stopped")
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
        if cap.hit():
            self.out.notes.append(f"a new process or thread was refused: a run may have at "
                                  f"most {cap.limit} processes and threads at once")
        cap.close()
        for event in reader.read():
            current = self.on_event(event, current)
        if reader.forged:
            self.out.notes.append(f"{reader.forged} event(s) not written by the grader were "
                                  "ignored")
        self.read_report(report_path, token)
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
            nodeid = str(event.get("nodeid"))
            if nodeid != current or nodeid in self.ended:
                self.refuse(nodeid, "it reported more than once, or without having started")
            else:
                self.ended.add(nodeid)
                self.out.tests[nodeid] = TestOutcome(
                    str(event.get("status", "failed")), str(event.get("message", "")),
                    float(event.get("duration", 0.0)), event.get("diagnosis"))
            return None
        return current

    def refuse(self, nodeid: str, why: str) -> None:
        """A test whose reports cannot be trusted counts as failed."""
        self.ended.add(nodeid)
        self.refused.add(nodeid)
        self.out.tests[nodeid] = TestOutcome("error", f"this test's result was not accepted: "
                                             f"{why}")

    def read_report(self, path: Path, token: str) -> None:
        """Cross-check pytest-json-report's report with the event stream: it must
        carry the attempt's MAC and agree, test by test, with the verdicts
        already received; the event stream alone counts where there is none."""
        try:
            report = json.loads(path.read_text())
        except (OSError, ValueError):
            return
        if not isinstance(report, dict) or not isinstance(report.get("tests"), list) \
                or not mac.verify(token, mac.report_text(report["tests"]),
                                  str(report.get("grader_mac"))):
            self.out.notes.append("a report file not written by the grader was ignored")
            return
        seen: set[str] = set()
        for test in report.get("tests", []):
            nodeid = str(test.get("nodeid"))
            verdict = (test.get("metadata") or {}).get("grader") or {}
            got = self.out.tests.get(nodeid)
            if nodeid in self.refused or got is None:
                continue
            if nodeid in seen or verdict.get("status") != got.status:
                self.refuse(nodeid, "the test's report and its event disagree")
            seen.add(nodeid)

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
        select = list(self.spec.select)
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

    def __init__(self, path: Path, token: str) -> None:
        self.path = path
        self.token = token
        self.offset = 0
        self.partial = b""
        self.forged = 0  # lines without the attempt's MAC

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
            stamp, _, body = line.decode(errors="replace").partition(" ")
            try:
                event = json.loads(body) if mac.verify(self.token, body, stamp) else None
            except ValueError:
                event = None
            if isinstance(event, dict):
                events.append(event)
            elif line.strip():
                self.forged += 1
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
