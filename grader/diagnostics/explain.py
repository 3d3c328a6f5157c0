"""Explaining what the diagnostics found, for a student: which thread holds
and waits for what, in the student's own names and lines, as a
:class:`~grader.runner.protocol.Diagnosis`, and a diagnosis in words."""

from __future__ import annotations

import linecache
import os
import threading
import traceback
import types
from collections.abc import Callable
from typing import Any

from grader.diagnostics import naming, state, timeline
from grader.runner.protocol import Diagnosis, Frame, Status, ThreadState

KIND_TITLES = {
    Status.DEADLOCK: "Deadlock",
    Status.STALL: "Stall: every thread (or task) waits, and nothing can wake any of them",
    Status.POTENTIAL_DEADLOCK: "Potential deadlock: locks taken in opposite orders",
    Status.RACE: "Race: another thread (or task) ran in between, and a result came out wrong",
    Status.CRASH: "Crash: a thread or process of your code died with an exception",
    Status.FAILED: "Not written yet",
    Status.TIMEOUT: "Timeout: your code kept running and did not return",
    Status.BLOCKED_LOOP: "Blocked event loop: a coroutine ran a blocking call",
    Status.NEVER_AWAITED: "Never awaited: a coroutine or a task's result was left unseen",
    Status.SERIAL: "Serial: awaited one after another where they should run at once",
}


def short_site(site: str) -> str:
    return os.path.basename(site) if site else "?"


def source_line(path: str, line: int) -> str:
    """Line ``line`` of file ``path``, stripped ("" if it cannot be read)."""
    return linecache.getline(path, line).strip()


def frame_line(frame: types.FrameType) -> Frame:
    code = frame.f_code
    return Frame(file=os.path.basename(code.co_filename), line=frame.f_lineno,
                 function=code.co_name, code=source_line(code.co_filename, frame.f_lineno))


def traceback_frames(tb: types.TracebackType | None,
                     keep: Callable[[str], bool]) -> tuple[Frame, ...]:
    """The entries of a traceback whose file ``keep`` accepts, outermost first,
    each at the line the exception passed through."""
    return tuple(Frame(file=os.path.basename(entry.f_code.co_filename), line=line,
                       function=entry.f_code.co_name,
                       code=source_line(entry.f_code.co_filename, line))
                 for entry, line in traceback.walk_tb(tb) if keep(entry.f_code.co_filename))


class Namer:
    """Names locks and threads consistently within one diagnosis."""

    def __init__(self, frames: dict[int, types.FrameType], student_dir: str | None) -> None:
        self.frames = frames
        self.student_dir = student_dir
        self.threads = {t.ident: t for t in threading.enumerate()}

    def thread(self, ident: int | None) -> str:
        thread = self.threads.get(ident)
        return thread.name if thread is not None else f"thread {ident}"

    def obj(self, target: Any, ident: int | None = None) -> str:
        """The student's name for ``target``, looked up first in the frames of
        thread ``ident`` (the student's, then the tests'), then everywhere."""
        order: list[types.FrameType] = []
        if ident in self.frames:
            order += naming.student_frames(self.frames[ident], self.student_dir)
            order += naming.user_frames(self.frames[ident])
        for other, frame in self.frames.items():
            if other != ident:
                order += naming.student_frames(frame, self.student_dir)
                order += naming.user_frames(frame)
        name = naming.name_of(target, order, self.student_dir)
        kind = type(target).__name__.replace("Tracked", "")
        article = "an" if kind[:1] in "AEIOU" else "a"
        site = short_site(site_of(target))
        where = f" created at {site}" if site != "?" else ""
        if name:
            return f"`{name}` ({article} {kind}{where})"
        return f"{article} {kind}{where}"


def site_of(target: Any) -> str:
    """Where ``target`` was created: its own record, or its parts' (a Queue's
    mutex, a Barrier's condition)."""
    site = getattr(target, "_site", "")
    if site:
        return site
    try:
        parts = list(vars(target).values())
    except TypeError:
        return ""
    for part in parts:
        site = getattr(part, "_site", "")
        if site:
            return site
    return ""


def describe_wait(wait: state.Wait, ident: int, namer: Namer) -> str:
    """What one thread is waiting for, in words."""
    target = wait.target
    if wait.kind == "lock":
        owner = getattr(target, "_owner", None)
        who = ("itself (a Lock is not re-entrant: use an RLock, or do not take it twice)"
               if owner == ident else namer.thread(owner) if owner else
               "a thread that has ended without releasing it (was a release() skipped when "
               "an exception was raised? `with lock:` or try/finally releases it always)")
        return f"waits for {namer.obj(target, ident)}, held by {who}"
    if wait.kind == "join":
        return f"waits for thread {target.name} to finish (join)"
    if wait.kind == "process":
        return (f"waits for process {target.name} (pid {target.pid}) to finish (join), but it "
                "cannot finish: it put items on a multiprocessing Queue that nobody has read, "
                "and a process does not exit before its queued items are written into the "
                "pipe. Read (get) the results before you join the process.")
    if wait.kind == "harness":
        what = f" ({target})" if isinstance(target, str) and target else ""
        return f"is the test, waiting for your code to return{what}"
    # A condition: say what the library call it came from was waiting for.
    frame = wait.frame
    while frame is not None:
        name, file = frame.f_code.co_name, os.path.basename(frame.f_code.co_filename)
        owner = frame.f_locals.get("self")
        if file == "queue.py" and name in ("get", "put", "join"):
            what = {"get": "an item from", "put": "free space in",
                    "join": "every task_done() of"}[name]
            return f"waits in {name}() for {what} the queue {namer.obj(owner, ident)}"
        if file == "threading.py" and name in ("wait", "acquire") and owner is not None \
                and owner is not target:
            kind = type(owner).__name__
            extra = ""
            if kind == "Barrier":
                extra = f" ({owner.n_waiting} of {owner.parties} parties have arrived)"
            return f"waits on the {kind} {namer.obj(owner, ident)}{extra}"
        if file == "_base.py" and name in ("result", "exception"):
            return "waits for the result of a future that will never be set"
        if not file.startswith(("threading", "queue")):
            break
        frame = frame.f_back
    return f"waits on the condition {namer.obj(target, ident)}, and nobody notifies it"


def thread_entry(ident: int, namer: Namer, wait: state.Wait | None) -> ThreadState:
    frame = namer.frames.get(ident)
    frames = naming.student_frames(frame, namer.student_dir)
    return ThreadState(
        name=namer.thread(ident),
        holds=tuple(namer.obj(lock, ident) for lock in state.held.get(ident, [])
                    if site_of(lock) not in ("", "?")),
        waits=describe_wait(wait, ident, namer) if wait else "",
        frames=tuple(frame_line(f) for f in frames))


def render(diagnosis: Diagnosis) -> str:
    """The diagnosis in words."""
    lines = [f"{KIND_TITLES.get(diagnosis.kind, str(diagnosis.kind))}.", diagnosis.summary]
    for thread in diagnosis.threads:
        lines.append(f"- {thread.name}")
        if thread.holds:
            lines.append(f"    holds {', '.join(thread.holds)}")
        if thread.waits:
            lines.append(f"    {thread.waits}")
        for f in thread.frames:
            where = f"{f.file}:{f.line}" + (f" in {f.function}" if f.function else "")
            lines.append(f"    at {where}: {f.code}")
    if diagnosis.advice:
        lines.append(diagnosis.advice)
    return "\n".join(lines)


def inversion_diagnosis(cycle: list[Any]) -> Diagnosis:
    """A cycle of the lock-order graph, for a student."""

    def lock_name(key: Any, name: str) -> str:
        if name:
            return f"`{name}`"
        lock = state.locks_by_id.get(key)
        return f"a lock created at {short_site(getattr(lock, '_site', ''))}"

    threads, steps = [], []
    for edge in cycle:
        path, _, line = edge.site.rpartition(":")
        first, second = lock_name(edge.first, edge.names[0]), lock_name(edge.second,
                                                                         edge.names[1])
        where = f"{os.path.basename(path)}:{line}"
        steps.append(f"{edge.thread} held {first} while taking {second} ({where})")
        threads.append(ThreadState(
            name=edge.thread, holds=(first,), waits=f"then took {second}",
            frames=(Frame(file=os.path.basename(path), line=int(line or 0),
                          code=source_line(path, int(line or 0))),)))
    summary = ("Locks were taken in opposite orders: " + "; then ".join(steps) + ". This run "
               "did not necessarily hang, but two threads doing these at the same moment would "
               "each hold one lock and wait forever for the other.")
    return Diagnosis(Status.POTENTIAL_DEADLOCK, summary, tuple(threads),
                     timeline=timeline.picture(focus=tuple(e.thread for e in cycle)), advice=(
        "Take locks in one global order everywhere (for example sorted by account id), so no "
        "two threads can ever wait for each other in a circle."))
