"""What the tasks of an asyncio event loop wait for: each task's await chain
walked to the asyncio object it waits on (a lock and its holder, a queue, an
event, another task, a timer), in the student's own names and lines; whether
anything could still wake them; a deadlock (asyncio locks held in a circle) or a
stall, as a diagnosis; the tasks a call left behind. Used by
:mod:`grader.diagnostics.aio`, on the loop's own thread."""

from __future__ import annotations

import asyncio
import re
import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grader.diagnostics import naming, state
from grader.diagnostics.explain import frame_line
from grader.runner.protocol import Diagnosis, Frame, Status, ThreadState

MAIN = "the test's call"  # the task running the call itself

STALL_ADVICE = (
    "Every task waits for something that only another task could do, and none of them "
    "runs. Check that every item put in an `asyncio.Queue` gets its `task_done()`, that "
    "every event a task waits for is set by someone, and that every wait has a way out "
    "(`asyncio.timeout`, a cancellation).")
DEADLOCK_ADVICE = (
    "Take the locks in one global order everywhere (for example sorted by `id()` or by an "
    "account number), so no two tasks can ever wait for each other in a circle.")


@dataclass
class TaskState:
    name: str
    frames: tuple[Frame, ...]
    waits: str
    lock: Any = None
    holds: tuple[str, ...] = ()  # the asyncio locks it holds, by its own names for them


@dataclass
class Snapshot:
    idle: bool  # nothing can wake any task
    tasks: list[TaskState]
    holders: dict[int, str]  # id(lock) -> task name
    next_timer: float | None = None  # monotonic time the earliest timer is due

    def diagnosis(self) -> Diagnosis:
        cycle = self._cycle()
        if cycle:
            steps = [f"{t.name} holds {', '.join(t.holds) or 'a lock'} and waits for "
                     f"{t.waits}, held by {self.holders[id(t.lock)]}{where(t.frames)}"
                     for t in cycle]
            return Diagnosis(Status.DEADLOCK, "Tasks wait for each other's asyncio locks in "
                             "a circle: " + "; ".join(steps) + ".",
                             tuple(self._entry(t) for t in cycle), advice=DEADLOCK_ADVICE)
        mine = [t for t in self.tasks
                if t.lock is not None and self.holders.get(id(t.lock)) == t.name]
        waits = "; ".join(
            f"{t.name} waits for {t.waits}"
            + (" which it holds itself (an asyncio.Lock is not reentrant)" if t in mine else "")
            + where(t.frames) for t in self.tasks[:6])
        return Diagnosis(Status.STALL, "Every task waits, and nothing (no other task, timer "
                         f"or thread) can wake any of them: {waits}.",
                         tuple(self._entry(t) for t in self.tasks[:6]), advice=STALL_ADVICE)

    @staticmethod
    def _entry(task: TaskState) -> ThreadState:
        return ThreadState(name=task.name, holds=task.holds, waits=f"waits for {task.waits}",
                           frames=task.frames)

    def _cycle(self) -> list[TaskState]:
        by_name = {t.name: t for t in self.tasks}
        for first in self.tasks:
            path: list[TaskState] = []
            task: TaskState | None = first
            while task is not None and task.lock is not None \
                    and all(t is not task for t in path):
                path.append(task)
                task = by_name.get(self.holders.get(id(task.lock), ""))
            if task is first and len(path) > 1:
                return path
        return []


def where(frames: tuple[Frame, ...]) -> str:
    if not frames:
        return ""
    f = frames[-1]
    return f" ({f.file}, line {f.line}" + (f": `{f.code}`)" if f.code else ")")


_PRIMITIVES = (asyncio.Lock, asyncio.Queue, asyncio.Event, asyncio.Condition, asyncio.Semaphore)
_DEFAULT_NAME = re.compile(r"Task-(\d+)")


def labels_of(tasks: list[Any]) -> dict[int, str]:
    """A name for each task that is the same in every run: its own name if the
    code gave it one, else "task N" in the order the tasks were created (the
    default names count every task of the process), with its coroutine."""
    def number(task: Any) -> int:
        found = _DEFAULT_NAME.fullmatch(task.get_name())
        return int(found.group(1)) if found else -1

    unnamed = sorted((t for t in tasks if number(t) >= 0), key=number)
    labels = {id(t): t.get_name() for t in tasks}
    for rank, task in enumerate(unnamed, 1):
        coro = getattr(task.get_coro(), "__name__", "")
        labels[id(task)] = f"task {rank}" + (f" `{coro}()`" if coro else "")
    return labels


def await_chain(task: asyncio.Task[Any]) -> list[types.FrameType]:
    """The frames of a suspended task's await chain, outermost first."""
    frames: list[types.FrameType] = []
    obj: Any = task.get_coro()
    for _ in range(64):
        frame = getattr(obj, "cr_frame", None) or getattr(obj, "gi_frame", None)
        if frame is None:
            break
        frames.append(frame)
        obj = getattr(obj, "cr_await", None) or getattr(obj, "gi_yieldfrom", None)
    return frames


def task_state(task: asyncio.Task[Any], namer: Callable[[Any, list[types.FrameType]], str],
                labels: dict[int, str], held: list[Any]) -> TaskState:
    chain = await_chain(task)
    mine = [f for f in chain if is_mine(f.f_code.co_filename)]
    at = [i for i, f in enumerate(chain) if naming.is_user_file(f.f_code.co_filename)]
    users = [chain[i] for i in at]
    shown = tuple(frame_line(f) for f in mine)  # (never a line of the tests)
    # what it waits on: the first asyncio object below the last user frame
    # (`await q.join()` waits for the queue, not for the event inside it)
    tail = chain[at[-1] + 1:] if at else chain
    inner = next((f for f in tail if isinstance(f.f_locals.get("self"), _PRIMITIVES)),
                 chain[-1] if chain else None)
    code = inner.f_code.co_qualname if inner is not None else ""
    target = inner.f_locals.get("self") if inner is not None else None
    frames_in = list(reversed(users))  # names as the student's code (or the test) has them
    lock = None
    if isinstance(target, asyncio.Lock):
        lock, waits = target, namer(target, frames_in)
    elif isinstance(target, asyncio.Queue):
        what = "an item of" if code.endswith("get") else (
            "`task_done()` for every item of" if code.endswith("join") else "room in")
        waits = f"{what} {namer(target, frames_in)}"
    elif isinstance(target, (asyncio.Event, asyncio.Condition, asyncio.Semaphore)):
        waits = namer(target, frames_in)
    elif code == "sleep" and inner is not None \
            and inner.f_code.co_filename == asyncio.tasks.__file__:
        waits = "a timer (`asyncio.sleep`)"
    else:
        waiter = getattr(task, "_fut_waiter", None)
        children = [c for c in getattr(waiter, "_children", ()) if not c.done()]
        if isinstance(waiter, asyncio.Task):
            waits = labels.get(id(waiter), f"task {waiter.get_name()}")
        elif children:  # asyncio.gather's future: the tasks it gathers
            waits = ", ".join(labels.get(id(c), f"task {c.get_name()}") for c in children
                              if isinstance(c, asyncio.Task)) + " (gathered)"
        elif waiter is not None:
            waits = "a future nobody completes"
        else:
            waits = "its turn"
    return TaskState(labels[id(task)], shown, waits, lock,
                      tuple(namer(h, frames_in) for h in held))


def take(loop: asyncio.AbstractEventLoop, owners: dict[int, tuple[Any, Any]],
         executor_jobs: int) -> Snapshot:
    """What the loop's tasks wait for (on the loop's own thread); ``owners``:
    id(lock) -> (lock, the task holding it)."""

    def namer(target: Any, frames: list[types.FrameType]) -> str:
        name = naming.name_of(target, frames, state.student_dir)
        kind = type(target).__name__
        return f"`{name}`" if name else f"an asyncio.{kind}"

    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    holding = [task for _, task in owners.values() if task is not None]
    labels = labels_of(list({id(t): t for t in tasks + holding}.values()))
    held: dict[int, list[Any]] = {}
    for lock, owner in owners.values():
        held.setdefault(id(owner), []).append(lock)
    states = sorted((task_state(t, namer, labels, held.get(id(t), [])) for t in tasks),
                    key=lambda t: (t.name != MAIN, t.name))
    holders = {key: labels[id(task)] for key, (_, task) in owners.items()
               if task is not None}
    self_pipe = getattr(loop, "_read_from_self", None)  # woken to run this very snapshot
    ready = any(getattr(h, "_callback", None) != self_pipe for h in getattr(loop, "_ready", ()))
    due = [h.when() for h in getattr(loop, "_scheduled", ()) if not h.cancelled()]
    timers = bool(due)
    selector = getattr(loop, "_selector", None)
    watched = len(selector.get_map()) > 1 if selector is not None else True  # self-pipe
    idle = bool(states) and not (ready or timers or watched or executor_jobs)
    next_timer = time.monotonic() + min(due) - loop.time() if due else None
    return Snapshot(idle, states, holders, next_timer)


def describe_leftovers(pending: list[asyncio.Task[Any]]) -> str:
    shown, labels = [], labels_of(pending)
    pending = sorted(pending, key=lambda t: labels[id(t)])
    for task in pending[:4]:
        chain = await_chain(task)
        mine = [frame_line(f) for f in chain if is_mine(f.f_code.co_filename)]
        how = ("had been cancelled, but nobody waited for it to finish"
               if task.cancelling() else "was still running")
        shown.append(f"{labels[id(task)]} {how}" + where(tuple(mine)))
    more = f" (and {len(pending) - 4} more)" if len(pending) > 4 else ""
    return f"{len(pending)} task(s) it started were still pending: " + "; ".join(shown) + more


def is_mine(filename: str) -> bool:
    """The student's file (outside the grader: any file but the library's)."""
    if state.student_dir:
        return naming.is_student_file(filename, state.student_dir)
    return naming.is_user_file(filename)
