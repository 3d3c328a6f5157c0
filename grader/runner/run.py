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
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import Limits
from grader.runner import launch, mac, pidcap, procs, protocol, stacks, warm
from grader.runner.protocol import (
    ChildLimits,
    CollectedTest,
    ProtocolError,
    RunRequest,
    Status,
    Verdict,
)

POLL = 0.05  # seconds between looks at the child
BACKSTOP_GRACE = 8.0  # seconds past a test's limit before the parent kills the run
# CPU seconds a run may use before its tests are collected: starting Python and
# pytest takes well under one; importing a student's module takes next to none
IMPORT_CPU = 3.0


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
    exercise: str = ""  # the slug, for messages that say how to replay
    sandbox: bool = False  # run the child under bubblewrap (grader.runner.sandbox)
    select: list[str] = field(default_factory=list)  # node ids to run (default: all tests)


@dataclass
class RunOutcome:
    """What a run produced: the tests collected, and each one's verdict."""

    collected: list[CollectedTest] = field(default_factory=list)
    tests: dict[str, Verdict] = field(default_factory=dict)
    collection_error: str = ""
    collection_status: Status = Status.ERROR  # of the tests when collection failed
    output: str = ""
    notes: list[str] = field(default_factory=list)
    attempts: int = 0
    killed: int = 0


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
    def __init__(self, spec: RunSpec, run_dir: Path, launcher: launch.Launcher) -> None:
        self.spec = spec
        self.launcher = launcher
        self.dir = run_dir
        self.work = run_dir / "work"
        self.tests_dir = run_dir / "tests"
        self.out = RunOutcome()
        self.output_path = run_dir / "output.txt"
        self.started: dict[str, tuple[float, float]] = {}  # nodeid -> (monotonic, timeout)
        self.collected = False  # this attempt's child has finished collecting
        self.ended: set[str] = set()  # tests whose verdict arrived (once each, or refused)
        self.refused: set[str] = set()  # tests that reported twice or inconsistently
        self.live: tuple[launch.Child, set[int]] | None = None

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

    def request(self, attempt: int, select: list[str], cap: pidcap.PidCap) -> RunRequest:
        """What this attempt's child is to do, and how it is set up."""
        lim = self.spec.limits
        return RunRequest(
            workdir=str(self.work),
            tests=tuple(str(self.tests_dir / t.name) for t in self.spec.tests),
            tests_dir=str(self.tests_dir),
            select=tuple(str(self.tests_dir / n) for n in select),
            ini=str(self.dir / "pytest.ini"),
            report=str(self.dir / f"report-{attempt}.json"),
            events=str(self.dir / f"events-{attempt}.jsonl"),
            test_timeout=self.spec.test_timeout,
            collect_only=self.spec.collect_only,
            limits=ChildLimits(lim.memory_mb, lim.cpu_seconds, lim.file_size_mb,
                               lim.open_files),
            env=launch.environment(work=self.work, run_dir=self.dir, seed=self.spec.seed,
                                   exercise=self.spec.exercise),
            output=str(self.output_path),
            cgroup=cap.procs_file())

    def attempt(self, number: int, select: list[str], deadline: float) -> bool:
        """Run one child; return True if it made progress."""
        self.place_tests()
        self.launcher.ready()  # before the baseline: a warm server is never a run's process
        baseline = procs.own_children()
        # A secret per attempt, read by the child before any student code runs:
        # events and reports without it are not the run's own.
        token = secrets.token_hex(16)
        cap = pidcap.PidCap(self.spec.limits.processes)
        request = self.request(number, select, cap)
        request_file = self.dir / f"request-{number}.json"
        request_file.write_text(request.to_json(), encoding="utf-8")
        child = self.launcher.start(request, request_file, token, cap)
        self.live = (child, baseline)  # for abort()
        reader = _EventReader(Path(request.events), token)
        polls = 0
        current: str | None = None
        verdict: Verdict | None = None  # given by the parent
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
                verdict = Verdict(Status.ERROR, "importing your file did not finish within "
                                  f"{self.spec.test_timeout + BACKSTOP_GRACE:g} s: a blocking "
                                  "call (or an endless loop) runs when the module is imported")
                break
            if not self.collected and polls % 5 == 0 and procs.cpu_seconds(
                    procs.run_processes(child.pid, baseline)) > IMPORT_CPU:
                verdict = Verdict(Status.ERROR, "importing your file did not finish: it "
                                  f"used {IMPORT_CPU:g} s of CPU without returning, an endless "
                                  "loop that runs when the module is imported (move that code "
                                  "into a function, or make the loop end)")
                break
            if current is not None:
                began, limit = self.started[current]
                if now > began + limit + BACKSTOP_GRACE:
                    verdict = Verdict(Status.TIMEOUT, "this test did not finish within its "
                                      f"time limit of {limit:g} s, and did not stop when asked "
                                      "to")
                    break
            if now > deadline:
                verdict = Verdict(Status.TIMEOUT, "the exercise's time limit of "
                                  f"{self.spec.timeout:g} s ran out during this test")
                break
            polls += 1
            if polls % 5 == 0 and len(procs.run_processes(child.pid, baseline)) > cap.limit:
                verdict = Verdict(Status.ERROR, f"your code started more than {cap.limit} "
                                  "processes at once (a fork bomb?), so the run was stopped")
                break
            child.pause(POLL) if isinstance(child, warm.WarmChild) else time.sleep(POLL)
        if verdict is not None:
            where = stacks.request_dumps(procs.run_processes(child.pid, baseline), self.dir,
                                         student_dir=self.work)
            if where:
                verdict = Verdict(verdict.status, f"{verdict.message.rstrip('.')}. Where "
                                  f"every thread was at that moment:\n{where}")
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
        self.read_report(Path(request.report), token)
        if not self.collected and verdict is not None:
            self.out.collection_error = verdict.message
        elif current is not None and current not in self.out.tests:
            if verdict is None:
                verdict = Verdict(Status.ERROR, f"the test process {_exit_text(code)} during "
                                  "this test, before it could report (os._exit, a crash, or a "
                                  "kill)")
            self.out.tests[current] = verdict
        elif verdict is not None:
            self.out.notes.append(verdict.message)
        elif code not in (0, 1, 2, 5) and not self.out.collection_error:
            self.out.notes.append(f"the test process {_exit_text(code)}")
        return len(self.out.tests) > before

    def on_event(self, event: protocol.Event, current: str | None) -> str | None:
        """Take one event of the child's; the test now running (None: none)."""
        if isinstance(event, protocol.Collected | protocol.CollectError):
            self.collected = True
        if isinstance(event, protocol.Collected) and not self.out.collected:
            self.out.collected = list(event.tests)
        elif isinstance(event, protocol.CollectError):
            self.out.collection_error += event.message
            if event.status is Status.RESOURCE:
                self.out.collection_status = Status.RESOURCE
        elif isinstance(event, protocol.Exited):
            where = "; ".join(f"{f.file}, line {f.line}, in {f.function}: {f.code}"
                              for f in event.frames[-1:])
            text = (f"your code called os._exit({event.code}) ({where}), which ends the "
                    "whole test process at once, and the tests with it")
            if not self.collected or not event.nodeid:
                self.out.collection_error = (f"{text}, while your module was being "
                                             "imported. Never end the process in library "
                                             "code: return, or raise an exception.")
            elif event.nodeid == current and event.nodeid not in self.out.tests:
                self.ended.add(event.nodeid)
                self.out.tests[event.nodeid] = Verdict(Status.ERROR, f"{text}. Return from "
                                                       "your function instead.")
        elif isinstance(event, protocol.Started):
            self.started[event.nodeid] = (time.monotonic(), event.timeout)
            return event.nodeid
        elif isinstance(event, protocol.Ended):
            if event.nodeid != current or event.nodeid in self.ended:
                self.refuse(event.nodeid, "it reported more than once, or without having "
                            "started")
            else:
                self.ended.add(event.nodeid)
                self.out.tests[event.nodeid] = event.verdict
            return None
        return current

    def refuse(self, nodeid: str, why: str) -> None:
        """A test whose reports cannot be trusted counts as failed."""
        self.ended.add(nodeid)
        self.refused.add(nodeid)
        self.out.tests[nodeid] = Verdict(Status.ERROR, f"this test's result was not "
                                         f"accepted: {why}")

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
            got = self.out.tests.get(nodeid)
            if nodeid in self.refused or got is None:
                continue
            try:
                verdict = Verdict.from_dict((test.get("metadata") or {}).get("grader") or {})
            except ProtocolError:
                verdict = None
            if nodeid in seen or verdict is None or verdict.status is not got.status:
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

    def read(self) -> list[protocol.Event]:
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
                if not mac.verify(self.token, body, stamp):
                    raise ProtocolError("not signed with the attempt's secret")
                events.append(protocol.decode(body))
            except ProtocolError:
                if line.strip():
                    self.forged += 1
        return events


def run_tests(spec: RunSpec, expected: list[CollectedTest] | None = None,
              launcher: launch.Launcher | None = None) -> RunOutcome:
    """Run ``spec`` in isolated child processes started by ``launcher`` (default:
    a fresh interpreter, sandboxed if ``spec.sandbox``); ``expected`` lists the
    tests that must report (default: whatever the first child collected)."""
    procs.become_subreaper()
    run_dir = Path(tempfile.mkdtemp(prefix="grader-run-"))
    if spec.sandbox and isinstance(launcher, launch.Warm):
        launcher = None  # bubblewrap wraps a command: a sandboxed run starts cold
    try:
        run = _Run(spec, run_dir, launcher or launch.for_options(spec.sandbox))
        try:
            return run.execute(expected)
        except BaseException:
            run.abort()
            raise
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
