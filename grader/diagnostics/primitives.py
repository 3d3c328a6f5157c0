"""Tracking versions of the ``threading`` primitives.

``threading.Lock``, ``RLock`` and ``Condition`` are replaced by classes that
keep :mod:`state` (owner, held locks, current wait) and feed the lock-order
graph; ``Thread.join`` and ``Thread.start`` are wrapped. Semaphore, Event,
Barrier, ``queue.Queue`` and ``concurrent.futures`` look these names up in
``threading`` when they build their parts, so they are tracked too.
``threading._allocate_lock`` is left alone (Condition's private waiter locks).
"""

from __future__ import annotations

import _thread
import collections
import itertools
import os
import sys
import threading
import time
from typing import Any

from grader.diagnostics import naming, recorded, state, timeline, turns
from grader.diagnostics.lockorder import Edge

_allocate = _thread.allocate_lock
_CRLock = _thread.RLock
_get_ident = _thread.get_ident
RealCondition = threading.Condition
_real_join = threading.Thread.join
_real_start = threading.Thread.start
_real_delete = threading.Thread._delete  # type: ignore[attr-defined]
_ids = itertools.count(1)


def _thread_name() -> str:
    # Not current_thread(): a thread still starting up is not yet in _active,
    # and current_thread() would make a _DummyThread, whose Event takes a lock.
    thread = threading._active.get(_get_ident())  # type: ignore[attr-defined]
    return thread.name if thread is not None else f"thread {_get_ident()}"


def _note_order(me: int, lock: Any) -> None:
    """Before blocking on ``lock``: every lock this thread holds precedes it."""
    held = state.held.get(me)
    if not held:
        return
    for first in held:
        if first is lock or (first._internal and lock._internal) \
                or (first._id, lock._id) in state.ORDER.edges:
            continue
        state.locks_by_id[first._id] = first
        state.locks_by_id[lock._id] = lock
        site = state.creation_site(3)
        cycle = state.ORDER.add(Edge(first._id, lock._id, site, _thread_name(),
                                     (_name(first), _name(lock))))
        if cycle:
            state.inversions.append(cycle)


def _name(lock: Any) -> str:
    """The student's name for ``lock`` as the acquiring code sees it."""
    if lock._internal:
        return ""
    frame = sys._getframe(3)
    frames = naming.student_frames(frame, state.student_dir) + naming.user_frames(frame)
    return naming.name_of(lock, frames, state.student_dir) or ""


def _forget_held(owner: int | None, lock: Any) -> None:
    held = state.held.get(owner) if owner is not None else None
    if held:
        for i in range(len(held) - 1, -1, -1):
            if held[i] is lock:
                del held[i]
                break


def _take_in_turn(take: Any, wait: state.Wait, timeout: float) -> bool | None:
    """For a thread taking turns (:mod:`turns`): try ``take()`` (never
    blocking) each time it has the turn, handing the turn on while it cannot;
    None for any other thread (or when the turns stop): it blocks for real."""
    mine = turns.current()
    if mine is None or state.starting.get(_get_ident()) is not None:
        return None  # (Thread.start waits for its new thread with the turn kept)
    members, me = mine
    deadline = None if timeout < 0 else time.monotonic() + timeout
    while True:
        if take():
            return True
        members.block(me, turns.can_go(wait))
        if not members.resume(me, deadline, back=False):
            if members.off:
                return None
            members.block(me, None)  # the time is up: go on when it is its turn
            members.resume(me)
            return bool(take())


def _blocking_acquire(lock: Any, me: int, timeout: float, acquire: Any) -> bool:
    """Acquire, recording the wait if it has to block."""
    if acquire(False):
        return True
    wait = state.Wait("lock", lock, timeout >= 0, frame=sys._getframe(2))
    state.waits[me] = wait
    if lock._shown:
        timeline.record("wait", lock, other=timeline.holder_name(lock), skip=3)
    try:
        got = _take_in_turn(lambda: acquire(False), wait, timeout)
        return acquire(True, timeout) if got is None else got
    finally:
        state.waits.pop(me, None)


class TrackedLock:
    """``threading.Lock`` with an owner, a creation site and lock ordering."""

    def __init__(self) -> None:
        self._inner = _allocate()
        self._owner: int | None = None
        self._id = next(_ids)
        self._site = state.creation_site()
        self._internal = state.made_by_library()
        self._shown = not self._internal  # on the timeline

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        me = _get_ident()
        if blocking:
            _note_order(me, self)
            got = _blocking_acquire(self, me, timeout, self._inner.acquire)
        else:
            got = self._inner.acquire(False)
        if got:
            self._owner = me
            state.held.setdefault(me, []).append(self)
            state.bump(me)
            if self._shown:
                timeline.record("take", self)
        return got

    __enter__ = acquire

    def release(self) -> None:
        if not self._inner.locked():
            raise RuntimeError("release unlocked lock")
        owner, self._owner = self._owner, None
        _forget_held(owner, self)
        state.bump(_get_ident())
        if self._shown:  # (before: the next holder's take comes after it)
            timeline.record("release", self)
        self._inner.release()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def locked(self) -> bool:
        return self._inner.locked()

    def _at_fork_reinit(self) -> None:
        self._inner._at_fork_reinit()
        self._owner = None

    def __repr__(self) -> str:
        status = "locked" if self.locked() else "unlocked"
        return f"<{status} Lock created at {os.path.basename(self._site)}>"

    # the old aliases, where this interpreter's lock still has them
    if hasattr(_thread.LockType, "acquire_lock"):
        acquire_lock, release_lock, locked_lock = acquire, release, locked


class TrackedRLock:
    """``threading.RLock`` with the same tracking (re-entry is not a new edge)."""

    def __init__(self) -> None:
        self._inner = _CRLock()
        self._owner: int | None = None
        self._count = 0
        self._id = next(_ids)
        self._site = state.creation_site()
        self._internal = state.made_by_library()
        self._shown = not self._internal  # on the timeline

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        me = _get_ident()
        if self._owner == me:
            self._inner.acquire()
            self._count += 1
            return True
        if blocking:
            _note_order(me, self)
            got = _blocking_acquire(self, me, timeout, self._inner.acquire)
        else:
            got = self._inner.acquire(False)
        if got:
            self._owner, self._count = me, 1
            state.held.setdefault(me, []).append(self)
            state.bump(me)
            if self._shown:
                timeline.record("take", self)
        return got

    __enter__ = acquire

    def release(self) -> None:
        if self._owner != _get_ident():
            raise RuntimeError("cannot release un-acquired lock")
        self._count -= 1
        if self._count == 0:
            self._owner = None
            _forget_held(_get_ident(), self)
            state.bump(_get_ident())
            if self._shown:
                timeline.record("release", self)
        self._inner.release()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _is_owned(self) -> bool:
        return self._owner == _get_ident()

    if hasattr(_CRLock, "locked"):  # 3.14
        def locked(self) -> bool:
            """Whether any thread holds the lock now."""
            return self._owner is not None

    def _recursion_count(self) -> int:
        return self._count if self._owner == _get_ident() else 0

    def _release_save(self) -> Any:
        me = _get_ident()
        self._owner, self._count = None, 0
        _forget_held(me, self)
        if self._shown:
            timeline.record("release", self)
        return self._inner._release_save()

    def _acquire_restore(self, saved: Any) -> None:
        me = _get_ident()
        wait = state.Wait("lock", self, False, frame=sys._getframe(1))
        state.waits[me] = wait
        try:
            _take_in_turn(lambda: self._owner is None, wait, -1)  # (then free: no wait)
            self._inner._acquire_restore(saved)
        finally:
            state.waits.pop(me, None)
        self._owner, self._count = me, saved[0]
        state.held.setdefault(me, []).append(self)
        state.bump(me)
        if self._shown:
            timeline.record("take", self)

    def _at_fork_reinit(self) -> None:
        self._inner._at_fork_reinit()
        self._owner, self._count = None, 0

    def __repr__(self) -> str:
        return f"<RLock created at {os.path.basename(self._site)}, count={self._count}>"


class _Waiters(collections.deque):
    """A Condition's waiter locks. ``Condition.wait`` appends its own lock
    from the waiting thread: remember it with that thread's wait, so the
    watchdog can tell a notified waiter that has not run yet from a stuck one."""

    def append(self, waiter: Any) -> None:
        wait = state.waits.get(_get_ident())
        if wait is not None and wait.kind == "condition":
            wait.waiter = waiter
        super().append(waiter)


class TrackedCondition(RealCondition):  # type: ignore[misc,valid-type]
    """``threading.Condition`` whose waits are recorded."""

    def __init__(self, lock: Any = None) -> None:
        super().__init__(lock)
        self._waiters = _Waiters()
        self._id = next(_ids)
        self._site = state.creation_site()
        self._internal = state.made_by_library()
        self._shown = not self._internal  # on the timeline
        if lock is None and hasattr(self._lock, "_internal"):
            self._lock._internal = self._internal  # the student's Condition: its lock too
            self._lock._shown = self._shown
        release_save, acquire_restore = self._release_save, self._acquire_restore

        def _release_save() -> Any:  # wait() has let go of the lock: the turn goes on
            saved = release_save()
            if self._shown:
                timeline.record("cond-wait", self)
            mine = turns.current()
            wait = state.waits.get(_get_ident())
            if mine is not None and wait is not None and not state.starting.get(_get_ident()):
                mine[0].block(mine[1], turns.can_go(wait))
            return saved

        def _acquire_restore(saved: Any) -> None:  # woken: its turn first, then the lock
            mine = turns.current()
            if mine is not None:
                mine[0].resume(mine[1])
            acquire_restore(saved)

        self._release_save, self._acquire_restore = _release_save, _acquire_restore

    def wait(self, timeout: float | None = None) -> bool:
        me = _get_ident()
        state.waits[me] = state.Wait("condition", self, timeout is not None,
                                     frame=sys._getframe(1))
        try:
            return super().wait(timeout)
        finally:
            state.waits.pop(me, None)
            state.bump(me)

    def notify(self, n: int = 1) -> None:
        if self._shown:
            timeline.record("notify", self)
        super().notify(n)

    def notify_all(self) -> None:
        if self._shown:
            timeline.record("notify", self)
        super().notify_all()


def _tracked_join(kind: str, real_join: Any) -> Any:
    """A ``join`` method that records the wait (kind "join" or "process")."""

    def join(self: Any, timeout: float | None = None) -> None:
        me = _get_ident()
        wait = state.Wait(kind, self, timeout is not None, frame=sys._getframe(1))
        state.waits[me] = wait
        timeline.record("join", self, name="", other=timeline.lane_of(self))
        mine = turns.current()
        if mine is not None:
            mine[0].block(mine[1], turns.can_go(wait))
        try:
            real_join(self, timeout)
        finally:
            state.waits.pop(me, None)
            state.bump(me)
            if mine is not None:
                mine[0].resume(mine[1])
        if not self.is_alive():
            timeline.record("joined", self, name="", other=timeline.lane_of(self))

    join.__doc__ = real_join.__doc__
    return join


def _tracked_start(self: threading.Thread) -> None:
    """Start the thread; while ``start()`` waits for it to run, the caller is
    "starting" (on a busy machine a new thread can take long to run its first
    line: that wait is not a stall)."""
    me = _get_ident()
    timeline.record("start", self, name="", thread=self, other=timeline.holder_name_of(me))
    mine = turns.current()
    member = mine[0].register(self) if mine is not None else None  # a member too
    state.starting[me] = self
    try:
        try:
            _real_start(self)
        except BaseException:
            if mine is not None and member is not None:
                mine[0].leave(member)  # it never runs: no turn for it
            raise
        if mine is not None and member is not None:
            mine[0].arrival(member)
    finally:
        state.starting.pop(me, None)
    if self.ident is not None:
        state.born_in[self.ident] = state.current_test
        timeline.started(self)


def _tracked_delete(self: threading.Thread) -> None:
    """A thread ends: forget it, so a new thread reusing its ident starts clean.
    Locks it still holds (legal for a Lock) are owned by nobody that can run."""
    me = _get_ident()
    for lock in state.held.pop(me, []):
        if getattr(lock, "_owner", None) == me:
            lock._owner = None
    # born_in stays: the thread is still alive for a moment, and it belongs to
    # its test until then (a new thread with this ident overwrites it).
    for table in (state.waits, state.progress, state.harness):
        table.pop(me, None)
    state.reported.discard(me)
    timeline.ended(self)
    _real_delete(self)


def patch_threading() -> None:
    """Install the tracking primitives into ``threading`` (and wrap
    ``multiprocessing``'s ``Process.join``); record the other objects' events
    for the timeline."""
    import multiprocessing.process

    process = multiprocessing.process.BaseProcess
    process.join = _tracked_join("process", process.join)  # type: ignore[method-assign]
    threading.Lock = TrackedLock  # type: ignore[misc,assignment]
    threading.RLock = TrackedRLock  # type: ignore[misc,assignment]
    threading.Condition = TrackedCondition  # type: ignore[misc]
    threading.Thread.join = _tracked_join("join", _real_join)  # type: ignore[method-assign]
    threading.Thread.start = _tracked_start  # type: ignore[method-assign]
    threading.Thread._delete = _tracked_delete  # type: ignore[attr-defined]
    recorded.install()
    os.register_at_fork(after_in_child=state.reset_after_fork)
