"""Everything that crosses the boundary between the grader and a run's child
process, as frozen dataclasses. Serialised once, read once; nothing here is a
bare dict or a bare status string.

The path of one test's verdict::

    RunRequest ──(file or warm server)──> child: pytest + grader.plugin
      child: Verdict built per test (diagnostics add a Diagnosis)
      child ──Ended(nodeid, Verdict) on the signed event stream──> parent
    parent (runner.run): RunOutcome.tests[nodeid] = Verdict
    grade.score_outcome: Verdict -> model.TestResult (its share of the points)

This module imports nothing of the grader: both sides import it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from typing import Any


class ProtocolError(ValueError):
    """A message that is not one the protocol knows (damaged, or forged)."""


class Status(StrEnum):
    """What happened to a test or an exercise."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the student's file failed to import, or the test could not run
    TIMEOUT = "timeout"
    MISSING = "missing"  # the student's file is not in the submission
    DEADLOCK = "deadlock"  # threads waited for each other in a cycle
    STALL = "stall"  # every thread waited, and nothing could wake any of them
    POTENTIAL_DEADLOCK = "potential-deadlock"  # locks taken in opposite orders
    RACE = "race"  # a thread ran between another's read and write (or check and act)
    CRASH = "crash"  # a thread or process of the student's code died with an exception
    RESOURCE = "resource"  # a limit was hit: memory, processes, output, file size, CPU time
    BLOCKED_LOOP = "blocked-loop"  # one step of an asyncio event loop held it too long
    NEVER_AWAITED = "never-awaited"  # a coroutine never awaited, a task's exception never seen
    SERIAL = "serial"  # awaited one after another where they should have run at once


# -- a diagnosis: what the grader found out about a failed test -----------------------

@dataclass(frozen=True)
class Frame:
    """One line of the student's code in a thread's stack."""

    file: str
    line: int
    function: str = ""
    code: str = ""


@dataclass(frozen=True)
class ThreadState:
    """One thread of a diagnosis: what it holds, what it waits for, where it is."""

    name: str
    holds: tuple[str, ...] = ()
    waits: str = ""
    frames: tuple[Frame, ...] = ()


@dataclass(frozen=True)
class TimelineEvent:
    """One moment of a thread's life, as the timeline shows it.

    ``kind`` is one of :data:`TIMELINE_KINDS`; ``obj`` is the student's name
    for the lock, condition, queue, thread, process or variable, ``ref`` tells
    objects with the same name apart (same ``ref``, same object), ``other`` is
    the thread a wait is for (a lock's holder, a joined thread) or whose write
    a stale write overwrote."""

    t: float  # seconds since the timeline's first event
    thread: str
    kind: str
    obj: str = ""
    ref: int = 0
    line: int = 0
    file: str = ""
    other: str = ""


# what each kind of event means, for legends and the text version
TIMELINE_KINDS = {
    "start": "starts", "end": "ends", "take": "takes", "wait": "waits for",
    "release": "releases", "cond-wait": "waits on", "notify": "notifies",
    "put": "puts into", "get": "gets from", "get-wait": "waits for an item of",
    "join": "waits for", "joined": "has joined", "process-start": "starts process",
    "read": "reads", "write": "writes", "stale-write": "writes its stale copy of",
    "crash": "dies with",
}


@dataclass(frozen=True)
class Timeline:
    """The last moments of a test before its verdict, lane by lane: the
    threads (and processes) in ``lanes``, their events oldest first (at most a
    few dozen; ``folded`` earlier ones are left out), the locks each thread
    already held when the shown part begins, and when the verdict came."""

    lanes: tuple[str, ...]
    events: tuple[TimelineEvent, ...]
    folded: int = 0
    holding: tuple[tuple[str, str, int], ...] = ()  # (thread, lock name, ref) at the start
    end: float = 0.0  # the verdict, in seconds since the first event
    more_lanes: int = 0  # threads left out to keep the picture readable

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Timeline:
        kinds = set(TIMELINE_KINDS)
        events = tuple(TimelineEvent(
            t=float(e["t"]), thread=str(e["thread"]), kind=str(e["kind"]),
            obj=str(e.get("obj", "")), ref=int(e.get("ref", 0)), line=int(e.get("line", 0)),
            file=str(e.get("file", "")), other=str(e.get("other", "")))
            for e in data["events"])
        if any(e.kind not in kinds for e in events):
            raise ValueError("an unknown kind of timeline event")
        return cls(lanes=tuple(map(str, data["lanes"])), events=events,
                   folded=int(data.get("folded", 0)),
                   holding=tuple((str(a), str(b), int(c)) for a, b, c in data.get("holding", ())),
                   end=float(data.get("end", 0.0)), more_lanes=int(data.get("more_lanes", 0)))


@dataclass(frozen=True)
class Diagnosis:
    """A deadlock, a stall, a lock-order inversion or a race, for a student."""

    kind: Status
    summary: str
    threads: tuple[ThreadState, ...] = ()
    advice: str = ""
    seed: int | None = None  # the base seed of provoked thread switches (races)
    timeline: Timeline | None = None  # what led to it, lane by lane

    def with_summary(self, summary: str) -> Diagnosis:
        return replace(self, summary=summary)

    def not_written(self) -> Diagnosis:
        """This crash as what it is when the exception is NotImplementedError:
        a function still to write (a failed test, not a crash)."""
        where = self.threads[0].frames[-1] if self.threads and self.threads[0].frames else None
        at = f" (line {where.line} of {where.file})" if where else ""
        name = self.threads[0].name if self.threads else "a function"
        return Diagnosis(Status.FAILED, f"{name} is not written yet: it raised "
                         f"NotImplementedError{at}.", self.threads,
                         "Write it: the task is in the exercise's README.")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = str(self.kind)
        if self.seed is None:
            del data["seed"]
        if self.timeline is None:
            del data["timeline"]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Diagnosis:
        try:
            threads = tuple(
                ThreadState(name=str(t["name"]), holds=tuple(map(str, t.get("holds", ()))),
                            waits=str(t.get("waits", "")),
                            frames=tuple(Frame(file=str(f["file"]), line=int(f["line"]),
                                               function=str(f.get("function", "")),
                                               code=str(f.get("code", "")))
                                         for f in t.get("frames", ())))
                for t in data.get("threads", ()))
            seed = data.get("seed")
            timeline = data.get("timeline")
            return cls(kind=Status(data["kind"]), summary=str(data["summary"]), threads=threads,
                       advice=str(data.get("advice", "")),
                       seed=int(seed) if seed is not None else None,
                       timeline=Timeline.from_dict(timeline) if timeline else None)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ProtocolError(f"not a diagnosis: {exc}") from None


# -- a verdict: how one test ended -----------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    """How one test ended: its status, the message for the student, how long it
    took, and the diagnosis behind the status when there is one."""

    status: Status
    message: str = ""
    duration: float = 0.0
    diagnosis: Diagnosis | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": str(self.status), "message": self.message,
                                "duration": self.duration}
        if self.diagnosis is not None:
            data["diagnosis"] = self.diagnosis.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        try:
            diagnosis = data.get("diagnosis")
            return cls(status=Status(data["status"]), message=str(data.get("message", "")),
                       duration=float(data.get("duration", 0.0)),
                       diagnosis=Diagnosis.from_dict(diagnosis) if diagnosis else None)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ProtocolError(f"not a verdict: {exc}") from None


# -- the events a child writes while it runs ---------------------------------------------

@dataclass(frozen=True)
class CollectedTest:
    """A test the run is expected to report on."""

    nodeid: str
    weight: float = 1.0
    timeout: float = 10.0
    cpu_sensitive: bool = False  # must not share the machine with other runs
    lesson: bool = False  # carries the exercise's lesson: failing it caps the exercise at half


@dataclass(frozen=True)
class Collected:
    """Collection is over: these tests will run, in this order."""

    tests: tuple[CollectedTest, ...]


@dataclass(frozen=True)
class CollectError:
    """A test file (or the student's module it imports) could not be collected;
    ``status`` is ``resource`` when a limit was hit, else ``error``."""

    nodeid: str
    message: str
    status: Status = Status.ERROR


@dataclass(frozen=True)
class Exited:
    """The student's code ended the test process itself (``os._exit``), at
    ``frames`` (innermost last), during test ``nodeid`` ("" while importing)."""

    nodeid: str
    code: int
    frames: tuple[Frame, ...] = ()


@dataclass(frozen=True)
class Started:
    """A test began; it may take ``timeout`` seconds."""

    nodeid: str
    timeout: float


@dataclass(frozen=True)
class Ended:
    """A test ended with its verdict."""

    nodeid: str
    verdict: Verdict


Event = Collected | CollectError | Started | Ended | Exited
_KINDS: dict[str, type] = {"collected": Collected, "collect_error": CollectError,
                           "start": Started, "end": Ended, "exit": Exited}
_NAMES = {kind: name for name, kind in _KINDS.items()}


def encode(event: Event) -> str:
    """One event as one line of JSON."""
    data: dict[str, Any] = {"event": _NAMES[type(event)]}
    if isinstance(event, Collected):
        data["tests"] = [asdict(t) for t in event.tests]
    elif isinstance(event, Ended):
        data.update(nodeid=event.nodeid, verdict=event.verdict.to_dict())
    else:
        data.update(asdict(event))
    return json.dumps(data)


def decode(line: str) -> Event:
    """An event from its line; :class:`ProtocolError` if it is none."""
    try:
        data = json.loads(line)
        kind = _KINDS[data["event"]]
        if kind is Collected:
            return Collected(tuple(
                CollectedTest(nodeid=str(t["nodeid"]), weight=float(t.get("weight", 1.0)),
                              timeout=float(t.get("timeout", 10.0)),
                              cpu_sensitive=bool(t.get("cpu_sensitive", False)),
                              lesson=bool(t.get("lesson", False)))
                for t in data["tests"]))
        if kind is Ended:
            return Ended(str(data["nodeid"]), Verdict.from_dict(data["verdict"]))
        if kind is Started:
            return Started(str(data["nodeid"]), float(data["timeout"]))
        if kind is Exited:
            return Exited(str(data["nodeid"]), int(data["code"]), tuple(
                Frame(str(f["file"]), int(f["line"]), str(f.get("function", "")),
                      str(f.get("code", ""))) for f in data.get("frames", ())))
        return CollectError(str(data.get("nodeid", "")), str(data["message"]),
                            Status(data.get("status", "error")))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProtocolError(f"not an event: {exc}") from None


# -- the request: what the child is to do, and how it is set up ----------------------------

@dataclass(frozen=True)
class ChildLimits:
    """The resource limits the child applies to itself before any student code."""

    memory_mb: int
    cpu_seconds: int
    file_size_mb: int
    open_files: int


@dataclass(frozen=True)
class RunRequest:
    """One attempt of a run, as its child receives it: from a file (a fresh
    interpreter, sandboxed or not) or from the warm server (a fork). The
    attempt's secret is never part of it: it travels on a pipe or the server's
    socket, never through a file student code could read."""

    workdir: str  # the student's files; the child's working directory
    tests: tuple[str, ...]  # the test files (sealed before student code runs)
    tests_dir: str
    select: tuple[str, ...]  # node ids to run (paths in tests_dir); empty: all
    ini: str  # the run's own pytest.ini
    report: str  # pytest-json-report's file
    events: str  # the event stream
    test_timeout: float
    collect_only: bool
    limits: ChildLimits
    env: Mapping[str, str] = field(default_factory=dict)  # the child's whole environment
    output: str = ""  # where stdout and stderr go
    cgroup: str | None = None  # the cgroup.procs file of the run's pids group

    def to_json(self) -> str:
        data = asdict(self)
        data["env"] = dict(self.env)
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> RunRequest:
        try:
            data = json.loads(text)
            data["limits"] = ChildLimits(**data["limits"])
            for name in ("tests", "select"):
                data[name] = tuple(map(str, data[name]))
            known = {f.name for f in fields(cls)}
            return cls(**{k: v for k, v in data.items() if k in known})
        except (KeyError, TypeError, ValueError) as exc:
            raise ProtocolError(f"not a run request: {exc}") from None
