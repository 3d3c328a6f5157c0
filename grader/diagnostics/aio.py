"""asyncio under watch: a coroutine run in an event loop of its own, with the
loop's steps timed, its tasks' waits explained and its leftovers named.

- **Blocked loop.** Every step of the loop (a callback; a task running from one
  ``await`` to the next) is counted as it starts and ends (``Handle._run``). A
  sampler thread looks at the loop's thread every ``SAMPLE`` seconds; a step
  seen running for ``BLOCK_LIMIT`` seconds, in at least half the samples that
  time allows (a machine too busy to sample is not taken for a blocked loop),
  blocked the loop: its line is the student's innermost frame in the samples.
- **Task stall and deadlock** (what each task waits for: :mod:`aio_tasks`). A
  loop seen idle (no step runs) with nothing that could wake it (no ready
  callback, no timer, no executor job, no watched file), twice
  ``IDLE_CONFIRM`` apart with no step in between, proves that every task
  waits forever, whatever the deadline: each task's await chain is walked to
  what it waits for (an ``asyncio.Lock``, whose holder is recorded while the
  watch runs; a queue; an event; another task). A cycle of lock holders is a
  deadlock, anything else a stall. Past the deadline, a loop that still works
  (steps, timers due, executor jobs) is given up to ``state.STRETCH`` times more.
- **Never awaited.** Python warns when a coroutine object dies unawaited (the
  warning carries where it was created: origin tracking is on in the loop's
  thread), and the loop reports a task whose exception nobody retrieved.
- **Leftovers.** Tasks still pending when the call returned are named with
  their await points, then cancelled.
"""

from __future__ import annotations

import asyncio
import gc
import os
import re
import sys
import threading
import time
import traceback
import types
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from grader.diagnostics import aio_tasks, explain, naming, state
from grader.diagnostics.explain import frame_line
from grader.runner.protocol import Diagnosis, Frame, Status, ThreadState
from grader.runner.stacks import current_frames

BLOCK_LIMIT = 0.1  # seconds one step may hold the loop
SAMPLE = 0.01  # seconds between two looks at the loop's thread
_STEP = 0.5  # seconds between two looks at a working loop's progress
IDLE_CONFIRM = 0.25  # seconds between the two looks that prove a stall
LOOP_THREAD = "asyncio loop (called by the test)"

BLOCKED_ADVICE = (
    "A coroutine runs on the loop's one thread: while it runs, no other task, timer or "
    "callback can. Never call a blocking function in a coroutine: `await asyncio.sleep(s)` "
    "instead of `time.sleep(s)`, an `asyncio.Lock` instead of a `threading.Lock`, and "
    "`await asyncio.to_thread(f, ...)` (or `loop.run_in_executor`) for blocking or CPU-heavy "
    "work such as reading and hashing a big file.")
NEVER_AWAITED_ADVICE = (
    "Calling a coroutine function only creates a coroutine object: nothing runs until it "
    "is awaited (`await f(x)`) or made a task that someone awaits (`asyncio.gather`, a "
    "`TaskGroup`). A task's exception is seen only by awaiting the task.")


@dataclass
class Blocked:
    """A step that held the loop: for how long, and where."""

    seconds: float
    frames: tuple[Frame, ...]
    still: bool = False  # still running when reported


@dataclass
class _Watch:
    ident: int = 0  # the loop's thread
    loop: asyncio.AbstractEventLoop | None = None
    steps: int = 0  # steps started
    snapshots: int = 0  # of which the watch's own looks at the tasks
    in_step: bool = False
    step_start: float = 0.0
    samples: int = 0  # samples of the running step
    step_frames: tuple[Frame, ...] = ()
    blocked: Blocked | None = None
    executor_jobs: int = 0
    owners: dict[int, tuple[Any, Any]] = field(default_factory=dict)  # id(lock): (lock, task)
    unretrieved: list[dict[str, Any]] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)
    outcome: tuple[str, Any] = ("", None)
    leftovers: list[Any] = field(default_factory=list)
    finishing: bool = False  # the call has returned or raised
    leftover_text: str = ""


_watches: dict[int, _Watch] = {}  # by the loop thread's ident
_patched = False


def _install() -> None:
    """Count the loop's steps and record asyncio lock holders (once per process)."""
    global _patched
    if _patched:
        return
    _patched = True
    run_handle = asyncio.events.Handle._run
    read_from_self = asyncio.selector_events.BaseSelectorEventLoop._read_from_self

    def _run(self: asyncio.Handle) -> None:
        watch = _watches.get(threading.get_ident())
        if watch is None:
            return run_handle(self)
        if getattr(self._callback, "__func__", None) is read_from_self:
            watch.snapshots += 1  # the loop woken by another thread: not the program's step
        watch.steps += 1
        watch.samples, watch.step_frames = 0, ()
        watch.step_start, watch.in_step = time.monotonic(), True
        try:
            return run_handle(self)
        finally:
            watch.in_step = False
            _step_ended(watch)

    asyncio.events.Handle._run = _run  # type: ignore[method-assign]
    acquire, release = asyncio.Lock.acquire, asyncio.Lock.release

    async def lock_acquire(self: asyncio.Lock) -> bool:
        got = await acquire(self)
        watch = _watches.get(threading.get_ident())
        if watch is not None:
            watch.owners[id(self)] = (self, asyncio.current_task())
        return got

    def lock_release(self: asyncio.Lock) -> None:
        watch = _watches.get(threading.get_ident())
        if watch is not None:
            watch.owners.pop(id(self), None)
        release(self)

    asyncio.Lock.acquire = lock_acquire  # type: ignore[method-assign]
    asyncio.Lock.release = lock_release  # type: ignore[method-assign]


def _blocks(watch: _Watch, seconds: float) -> bool:
    """Has the running step, after ``seconds``, held the loop too long? (Seen
    in at least half the samples that time allows, in the student's code.)"""
    return (watch.blocked is None and bool(watch.step_frames) and seconds >= BLOCK_LIMIT
            and watch.samples >= BLOCK_LIMIT / SAMPLE / 2)


def _step_ended(watch: _Watch) -> None:
    seconds = time.monotonic() - watch.step_start
    if _blocks(watch, seconds):
        watch.blocked = Blocked(seconds, watch.step_frames)
    elif watch.blocked is not None and watch.blocked.still:
        watch.blocked = Blocked(seconds, watch.blocked.frames)


def _code_frames(frame: types.FrameType | None) -> tuple[Frame, ...]:
    """The student's frames of a stack, outermost first (the user's if none)."""
    frames = naming.student_frames(frame, state.student_dir) or naming.user_frames(frame)
    return tuple(frame_line(f) for f in reversed(frames))


def _sampler(watch: _Watch) -> None:
    while not watch.done.is_set():
        time.sleep(SAMPLE)
        if not watch.in_step:
            continue
        steps = watch.steps
        frame = current_frames().get(watch.ident)
        if frame is None or steps != watch.steps or not watch.in_step:
            continue
        if _starting_a_worker(frame):
            continue  # a pool starting its thread or process: slow on a busy machine only
        watch.samples += 1
        frames = _code_frames(frame)
        if frames:
            watch.step_frames = frames
        seconds = time.monotonic() - watch.step_start
        if _blocks(watch, seconds):
            watch.blocked = Blocked(seconds, watch.step_frames, still=True)


# Where a loop's thread waits while a worker thread or process starts (the first
# `asyncio.to_thread`, a process pool's first job): the library's set-up, which a
# busy machine slows down (a new thread's first line can take a second), not a
# blocking call of the student's.
_STARTING = {"Thread.start", "BaseProcess.start", "ThreadPoolExecutor._adjust_thread_count",
             "ProcessPoolExecutor._adjust_process_count", "ProcessPoolExecutor._spawn_process",
             "ProcessPoolExecutor._start_executor_manager_thread"}


def _starting_a_worker(frame: types.FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_qualname in _STARTING \
                and frame.f_code.co_filename.startswith(_STDLIB):
            return True
        frame = frame.f_back
    return False


_STDLIB = os.path.dirname(os.__file__) + os.sep


class _WatchedLoop(asyncio.SelectorEventLoop):
    """Counts executor jobs in flight (``asyncio.to_thread`` goes through here)."""

    watch: _Watch

    def run_in_executor(self, executor: Any, func: Callable[..., Any],
                        *args: Any) -> asyncio.Future[Any]:
        future = super().run_in_executor(executor, func, *args)
        self.watch.executor_jobs += 1
        future.add_done_callback(lambda _: self._job_done())
        return future

    def _job_done(self) -> None:
        self.watch.executor_jobs -= 1


# -- the run ---------------------------------------------------------------------

def run(make: Callable[[], Awaitable[Any]], timeout: float, what: str, leftover_ok: bool,
        blocking_ok: bool, diagnosed: Callable[[Diagnosis], Exception],
        timed_out: Callable[[str], Exception]) -> Any:
    """See :func:`grader.testing.aio.run_async` (which names the exceptions:
    ``diagnosed`` for a verdict, ``timed_out`` for a run still working at the end)."""
    _install()
    with warnings.catch_warnings():  # what earlier calls left behind is not this call's
        warnings.simplefilter("ignore", RuntimeWarning)
        gc.collect()
    watch = _Watch()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        thread = threading.Thread(target=_loop_main, args=(watch, make), name=LOOP_THREAD,
                                  daemon=True)
        thread.start()
        sampler = threading.Thread(target=_sampler, args=(watch,), name="grader-aio-sampler",
                                   daemon=True)
        sampler.start()
        with state.harness_wait(what, thread):
            verdict = _await_end(watch, timeout, blocking_ok)
        if verdict is not None:
            _stop(watch)
            if verdict.kind is Status.TIMEOUT:
                raise timed_out(f"{what} did not return within {timeout:g} s. "
                                f"{verdict.summary}")
            raise diagnosed(verdict.with_summary(f"{what}: {verdict.summary}"))
        thread.join(5.0)
        sampler.join(1.0)
        if watch.outcome[0] == "error":  # its frames would keep this call's garbage alive
            traceback.clear_frames(watch.outcome[1].__traceback__)
        gc.collect()
    blocked = watch.blocked
    if blocked is not None and not blocking_ok:
        raise diagnosed(_blocked_diagnosis(what, blocked))
    never = _never_awaited(caught, watch)
    if never is not None:
        raise diagnosed(never.with_summary(f"{what}: {never.summary}"))
    kind, value = watch.outcome
    if watch.leftovers and not leftover_ok:
        raise AssertionError(
            f"{what} {'raised' if kind == 'error' else 'returned'} while {watch.leftover_text}. "
            "Every task a coroutine starts must be finished, or cancelled and awaited, before "
            "it returns (a `TaskGroup` does that for you; so does `gather` once every "
            "awaitable has ended).")
    if kind == "error":
        raise value
    return value


def _loop_main(watch: _Watch, make: Callable[[], Awaitable[Any]]) -> None:
    sys.set_coroutine_origin_tracking_depth(16)
    loop = _WatchedLoop()
    loop.watch = watch
    watch.ident, watch.loop = threading.get_ident(), loop
    loop.set_exception_handler(lambda _loop, context: watch.unretrieved.append(context))
    _watches[watch.ident] = watch
    asyncio.set_event_loop(loop)
    try:
        async def call() -> Any:
            try:
                return await make()
            finally:  # the tasks not finished at the moment the call returns or raises
                me = asyncio.current_task()
                watch.leftovers = [t for t in asyncio.all_tasks() if t is not me and not t.done()]

        main = loop.create_task(call(), name=aio_tasks.MAIN)
        try:
            watch.outcome = ("result", loop.run_until_complete(main))
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            watch.outcome = ("error", exc)
        watch.finishing = True  # (shutting down: no task of the student's waits any more)
        if watch.leftovers:
            watch.leftover_text = aio_tasks.describe_leftovers(watch.leftovers)
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        if pending:
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.wait(pending, timeout=2.0))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    except BaseException as exc:  # noqa: BLE001 - the watch stops it: the loop is stopped
        if watch.outcome[0] == "":
            watch.outcome = ("error", exc)
    finally:
        asyncio.set_event_loop(None)
        loop.close()
        _watches.pop(watch.ident, None)
        sys.set_coroutine_origin_tracking_depth(0)
        watch.done.set()


def _await_end(watch: _Watch, timeout: float, blocking_ok: bool) -> Diagnosis | None:
    """Wait for the call; a diagnosis if it must be stopped (blocked, stalled, too long).

    A stall needs no deadline: the loop seen idle, with nothing that could wake
    it, twice ``IDLE_CONFIRM`` apart and not one step run in between, is proof."""
    def progress() -> int:
        return watch.steps - watch.snapshots

    end = time.monotonic() + timeout
    next_look, idle_at = time.monotonic() + IDLE_CONFIRM, -1
    while not watch.done.wait(min(SAMPLE * 2, max(0.0, end - time.monotonic()))):
        blocked = watch.blocked
        if blocked is not None and blocked.still and not blocking_ok:
            watch.done.wait(0.3)  # its whole length, if it ends soon
            if not watch.done.is_set():
                return _blocked_diagnosis("", watch.blocked or blocked)
        if time.monotonic() >= next_look and not watch.in_step and not watch.finishing:
            before = progress()
            snapshot = _snapshot(watch)
            if snapshot is not None and snapshot.idle:
                if idle_at == before:
                    return snapshot.diagnosis()
                idle_at = before
            else:
                idle_at = -1
            next_look = time.monotonic() + IDLE_CONFIRM
        if time.monotonic() >= end:
            break
    if watch.done.is_set():
        return None
    last, give_up = progress(), time.monotonic() + timeout * (state.STRETCH - 1)
    while True:
        snapshot = None if watch.finishing else _snapshot(watch)
        if snapshot is not None and snapshot.idle:
            return snapshot.diagnosis()
        if watch.done.wait(_STEP):
            return None
        timer = snapshot.next_timer if snapshot is not None else None
        working = (progress() != last or watch.executor_jobs > 0 or watch.finishing
                   or (timer is not None and timer < give_up))
        if not working or time.monotonic() > give_up:
            return _timeout(watch, snapshot)
        last = progress()


def _snapshot(watch: _Watch) -> aio_tasks.Snapshot | None:
    """What the loop's tasks wait for, taken on the loop's own thread (None if
    the loop is busy and cannot answer)."""
    loop, box, asked = watch.loop, [], threading.Event()
    if loop is None or loop.is_closed():
        return None

    def take() -> None:
        watch.snapshots += 1
        try:
            box.append(aio_tasks.take(loop, watch.owners, watch.executor_jobs))
        finally:
            asked.set()

    try:
        loop.call_soon_threadsafe(take)
    except RuntimeError:
        return None
    asked.wait(_STEP)
    return box[0] if box else None


def _timeout(watch: _Watch, snapshot: aio_tasks.Snapshot | None) -> Diagnosis:
    if snapshot is None:
        where = aio_tasks.where(watch.step_frames) or " (in a step that has not returned)"
        return Diagnosis(Status.TIMEOUT, f"The loop is still busy{where}.")
    waits = "; ".join(f"{t.name} waits for {t.waits}{aio_tasks.where(t.frames)}"
                      for t in snapshot.tasks[:6])
    return Diagnosis(Status.TIMEOUT, f"Where the tasks are: {waits}.")


def _stop(watch: _Watch) -> None:
    """Cancel every task of a loop that must stop, and let it end (a loop blocked
    in a step cannot be stopped: its thread is left behind as a daemon)."""
    loop = watch.loop
    if loop is None or (watch.blocked is not None and watch.blocked.still):
        return

    def cancel() -> None:
        for task in asyncio.all_tasks(loop):
            task.cancel()

    try:
        loop.call_soon_threadsafe(cancel)
    except RuntimeError:
        return
    watch.done.wait(2.0)


def is_loop_thread(ident: int) -> bool:
    """Is thread ``ident`` running a watched event loop?"""
    return ident in _watches


def blocked_in_wait(ident: int, thread: ThreadState) -> Diagnosis:
    """Loop thread ``ident`` caught waiting in a thread primitive (a
    ``threading.Lock`` taken in a coroutine and held across an ``await``)."""
    watch = _watches.get(ident)
    if watch is not None:
        watch.blocked = Blocked(BLOCK_LIMIT, thread.frames, still=True)
    waits, _, _ = thread.waits.partition(", held by itself")  # (not the RLock advice)
    held = waits != thread.waits
    waits += (", which this same thread already holds: another coroutine took it and is "
              "suspended at an `await` while holding it" if held else "")
    return Diagnosis(
        Status.BLOCKED_LOOP,
        f"The event loop's thread {waits}{aio_tasks.where(thread.frames)}. A coroutine waited in a "
        "thread primitive, and since every task runs on that one thread, nothing can ever "
        "end the wait: the loop, and every task, stands still.",
        (ThreadState(name="the event loop's thread", holds=thread.holds, waits=waits,
                     frames=thread.frames),),
        advice=BLOCKED_ADVICE)


# -- blocked, never awaited ----------------------------------------------------------

def _blocked_diagnosis(what: str, blocked: Blocked) -> Diagnosis:
    where = aio_tasks.where(blocked.frames) or " (in a call that does not come back)"
    length = (f"for more than {blocked.seconds:.2f} s (it still had not returned)"
              if blocked.still else f"for {blocked.seconds:.2f} s")
    head = f"{what}: " if what else ""
    return Diagnosis(
        Status.BLOCKED_LOOP,
        f"{head}one step of a coroutine held the event loop {length}{where}. Meanwhile no "
        "other task, timer or callback could run: the whole program stood still.",
        (ThreadState(name="the event loop's thread", waits="runs a blocking call",
                     frames=blocked.frames),),
        advice=BLOCKED_ADVICE)


_CREATED = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')


def _never_awaited(caught: list[warnings.WarningMessage], watch: _Watch) -> Diagnosis | None:
    for warning in caught:
        text = str(warning.message)
        if "was never awaited" not in text:
            continue
        name = text.split("'")[1] if text.count("'") >= 2 else "a coroutine"
        sites = [(f, int(n), fn) for f, n, fn in _CREATED.findall(text) if aio_tasks.is_mine(f)]
        frames = tuple(Frame(file=os.path.basename(f), line=n, function=fn,
                             code=explain.source_line(f, n)) for f, n, fn in sites[-1:])
        return Diagnosis(
            Status.NEVER_AWAITED,
            f"the coroutine `{name}` was created{aio_tasks.where(frames)} but never awaited: it "
            "never ran.",
            (ThreadState(name=f"coroutine {name}", waits="never awaited", frames=frames),),
            advice=NEVER_AWAITED_ADVICE)
    for context in watch.unretrieved:
        exc, task = context.get("exception"), context.get("future")
        if "never retrieved" not in str(context.get("message", "")) or exc is None:
            continue
        frames = explain.traceback_frames(exc.__traceback__, aio_tasks.is_mine)
        name = aio_tasks.labels_of([task])[id(task)] if isinstance(task, asyncio.Task) else "a task"
        return Diagnosis(
            Status.NEVER_AWAITED,
            f"{name} died with {type(exc).__name__}: {exc}{aio_tasks.where(frames)}, and nobody "
            "ever looked: its exception was never retrieved (the task was never awaited).",
            (ThreadState(name=name, waits="never awaited", frames=frames),),
            advice=NEVER_AWAITED_ADVICE)
    return None
