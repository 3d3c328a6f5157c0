"""Threads taking turns: one seed, one interleaving.

While :func:`grader.testing.inject_switches` is active, the thread that entered
it and every thread it (or they) start are *members*. Only one member runs at a
time (it has the turn); it hands the turn on at the switch points the seed
chooses, when it blocks in a tracked wait (a lock, a condition, a join) and
when it ends. Who gets the turn is the seed's choice among the members that
can go on, so the same seed gives the same interleaving, the same lost
updates and the same message, run after run, on a busy machine too.

Members never block on a tracked lock for real: they try it when they have the
turn, and hand the turn on when it is taken. A member that waits in a
condition or a join hands the turn on before it blocks, and takes its turn
again before it goes on. Threads that are not members (started before, the
watchdog) run as they like.

A safety valve: if the member that has the turn shows no progress for
``VALVE`` seconds and has used no CPU meanwhile (it blocks in something
untracked, say a pipe another member writes), the members stop taking turns
and the run goes on unordered, as without this module. A member that is only
slow to run (a busy machine) uses some CPU, and keeps the turns going.
"""

from __future__ import annotations

import _thread
import os
import random
import time
from collections.abc import Callable
from typing import Any

from grader.diagnostics import state
from grader.runner.stacks import thread_cpu

VALVE = 2.0  # seconds without progress of the member with the turn: stop taking turns
POLL = 0.2  # a waiting member looks at the valve and at a free turn this often

NEW, READY, RUNNING, BLOCKED, DONE = "new", "ready", "running", "blocked", "done"


class Member:
    """A thread taking turns."""

    def __init__(self, thread: Any, ident: int | None) -> None:
        self.thread = thread
        self.ident = ident
        self.state = NEW
        self.go = _thread.allocate_lock()
        self.go.acquire()  # released to give this member the turn
        self.can_go: Callable[[], bool] | None = None  # while BLOCKED: can it go on?
        self.arrived = _thread.allocate_lock()  # released once its run() is about to begin
        self.arrived.acquire()


class Turns:
    """The members of one ``inject_switches`` block and whose turn it is."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lock = _thread.allocate_lock()
        self.members: dict[Any, Member] = {}  # thread -> member, in the order they joined
        self.by_ident: dict[int, Member] = {}
        self.holder: Member | None = None
        self.off = False
        self.progress = time.monotonic()
        self.holder_cpu: dict[int, float] = {}  # thread ident -> its CPU at the valve's last look
        first = Member(None, _thread.get_ident())
        first.state = RUNNING
        self.members[first] = first  # the thread that entered: it has the turn
        self.by_ident[_thread.get_ident()] = first
        self.holder = first

    # -- who can go on -----------------------------------------------------------
    def _runnable(self, member: Member) -> bool:
        if member.state in (NEW, READY):
            return True
        if member.state == BLOCKED and member.can_go is not None:
            try:
                return bool(member.can_go())
            except Exception:  # noqa: BLE001 - a half-built object: not yet
                return False
        return False

    def _hand_on(self, me: Member | None) -> None:
        """Give the turn to a member that can go on (the seed chooses), or to
        nobody; ``self.lock`` is held."""
        if self.off:
            return
        candidates = [m for m in self.members.values() if m is not me and self._runnable(m)]
        self.progress = time.monotonic()
        if not candidates:
            self.holder = None
            return
        chosen = self.rng.choice(candidates)
        self.holder = chosen
        chosen.state = RUNNING
        if chosen.go.locked():
            chosen.go.release()

    def _wait_turn(self, me: Member, deadline: float | None = None) -> bool:
        """Block until ``me`` has the turn (True), the deadline passes or the
        members stop taking turns (False)."""
        while True:
            with self.lock:
                if self.off:
                    return False
                if self.holder is me:  # given meanwhile: take the permission
                    me.go.acquire(False)
                    return True
                if self.holder is None and self._runnable(me):
                    self.holder, me.state = me, RUNNING
                    self.progress = time.monotonic()
                    return True
            wait = POLL if deadline is None else min(POLL, deadline - time.monotonic())
            if me.go.acquire(True, wait) if wait > 0 else me.go.acquire(False):
                with self.lock:
                    if self.holder is me:
                        return True
                    if self.off:
                        return False
                continue  # a stale permission (never expected): dropped
            with self.lock:
                if self.holder is me:
                    me.go.acquire(False)
                    return True
                if self.holder is not None and time.monotonic() - self.progress > VALVE:
                    if self._holder_ran():
                        self.progress = time.monotonic()  # slow (a busy machine), not stuck
                    else:
                        self.stop_locked()
                        return False
                if deadline is not None and time.monotonic() >= deadline:
                    return False

    def _holder_ran(self) -> bool:
        """Whether the member with the turn used CPU since the last look: a
        member the machine is slow to run is not stuck."""
        holder = self.holder
        if holder is None:
            return False
        ident = holder.ident if holder.ident is not None else getattr(holder.thread, "ident",
                                                                      None)
        if ident is None:
            return False
        try:
            cpu = thread_cpu(ident)
        except (AttributeError, OverflowError):  # no per-thread clock here
            return False
        if cpu <= 0.0:  # it is gone
            return False
        ran = cpu > self.holder_cpu.get(ident, -1.0)
        self.holder_cpu[ident] = cpu
        return ran

    # -- what members do ---------------------------------------------------------
    def member(self) -> Member | None:
        """The calling thread's member, if it takes turns now."""
        if self.off:
            return None
        return self.by_ident.get(_thread.get_ident())

    def tick(self) -> None:
        self.progress = time.monotonic()

    def switch(self, me: Member) -> None:
        """A switch point the seed chose: hand the turn to another member."""
        with self.lock:
            if self.holder is not me or self.off:
                return
            candidates = [m for m in self.members.values() if m is not me and self._runnable(m)]
            if not candidates:
                return
            me.state = READY
            self._hand_on(me)
        self._wait_turn(me)

    def block(self, me: Member, can_go: Callable[[], bool] | None) -> None:
        """``me`` is about to wait: the turn goes on. ``can_go`` says when it
        could go on again (None: only when it comes back by itself)."""
        with self.lock:
            me.state, me.can_go = BLOCKED, can_go
            if self.holder is me:
                self._hand_on(me)

    def resume(self, me: Member, deadline: float | None = None, back: bool = True) -> bool:
        """Go on once it is ``me``'s turn again: ``back`` from a wait that
        really blocked (it can go on now), or not (it goes on only once it can)."""
        with self.lock:
            if self.holder is me:  # given meanwhile: take the permission
                me.go.acquire(False)
                me.state, me.can_go = RUNNING, None
                return True
            if me.state == BLOCKED and (back or me.can_go is None):
                me.state, me.can_go = READY, None  # it can go on now
        got = self._wait_turn(me, deadline)
        me.can_go = None
        return got

    def register(self, thread: Any) -> Member:
        """A member starts ``thread``: a member too, which waits for its turn
        before its ``run()`` and hands the turn on when it ends."""
        member = Member(thread, None)
        with self.lock:
            self.members[thread] = member
        run = thread.run

        def run_in_turn() -> None:
            member.ident = _thread.get_ident()
            with self.lock:
                self.by_ident[member.ident] = member
            member.arrived.release()
            self._wait_turn(member)
            try:
                run()
            finally:
                self.leave(member)

        thread.run = run_in_turn
        return member

    def arrival(self, member: Member) -> None:
        """Wait (keeping the turn) until a member just started has set itself
        up: on 3.12+ a new thread's ``sys.settrace`` re-instruments the code
        of every thread, which must not happen while another member runs."""
        while not self.off and not member.arrived.acquire(True, POLL):
            thread = member.thread
            if thread is not None and not thread.is_alive() and thread.ident is not None:
                return  # it ended before its run() (an error while starting)

    def leave(self, me: Member) -> None:
        with self.lock:
            me.state = DONE
            if self.holder is me:
                self._hand_on(me)

    def ended(self, thread: Any) -> bool:
        """Whether ``thread`` (a member) has ended its ``run()``."""
        member = self.members.get(thread)
        return member is not None and member.state == DONE

    def stop_locked(self) -> None:
        self.off = True
        self.holder = None
        for member in self.members.values():
            if member.go.locked():
                member.go.release()  # wake every waiting member: no more turns

    def stop(self) -> None:
        with self.lock:
            self.stop_locked()


active: Turns | None = None


def start(rng: random.Random) -> Turns | None:
    """Members take turns from now on (None if they already do)."""
    global active
    if active is not None and not active.off:
        return None
    active = Turns(rng)
    return active


def stop(turns: Turns | None) -> None:
    global active
    if turns is not None:
        turns.stop()
        if active is turns:
            active = None


def current() -> tuple[Turns, Member] | None:
    """The turns the calling thread takes, and its member, if any."""
    turns = active
    if turns is None:
        return None
    member = turns.member()
    return None if member is None else (turns, member)


def can_go(wait: state.Wait) -> Callable[[], bool] | None:
    """When a member blocked in ``wait`` can go on, as far as the turns can
    tell without it running (None: only it can tell, once it is back)."""
    target = wait.target
    if wait.kind == "lock":
        if hasattr(target, "_count"):  # an RLock
            return lambda: target._owner is None
        return lambda: not target.locked()
    if wait.kind == "condition":  # notified: notify() took its waiter off the list (for good;
        # the waiter lock itself is taken again as the thread wakes, whenever that is)
        return lambda: wait.waiter is not None and wait.waiter not in target._waiters
    if wait.kind == "join":
        turns = active
        if turns is not None and target in turns.members:
            return lambda: turns.ended(target)
    return None


def _after_fork() -> None:
    global active
    active = None


os.register_at_fork(after_in_child=_after_fork)
