"""Recording what a student's code starts: processes and threads.

Tests check parallelism by structure (which processes ran, which thread started
which thread), and must end whatever a wrong answer left running, so that one
wrong answer fails one test instead of leaking into the next.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import process as mp_process

from grader.testing.observe import wait_until


@contextmanager
def record_processes(join_timeout: float = 2.0) -> Iterator[list[mp_process.BaseProcess]]:
    """Yield the list of every ``multiprocessing`` process started inside the
    block (any start method, Pool workers included); afterwards terminate and
    join the processes the block left running."""
    made: list[mp_process.BaseProcess] = []
    original = mp_process.BaseProcess.start

    def recording_start(self: mp_process.BaseProcess) -> None:
        made.append(self)
        return original(self)

    before = set(multiprocessing.active_children())
    mp_process.BaseProcess.start = recording_start  # type: ignore[method-assign]
    try:
        yield made
    finally:
        mp_process.BaseProcess.start = original  # type: ignore[method-assign]
        leftover = [c for c in multiprocessing.active_children() if c not in before]
        for child in leftover:
            child.terminate()
        for child in leftover:
            child.join(join_timeout)


def processes_ended(made: list[mp_process.BaseProcess], timeout: float = 5.0) -> bool:
    """True once none of ``made`` is alive (waiting up to ``timeout`` seconds)."""
    return wait_until(lambda: not any(p.is_alive() for p in made), timeout=timeout,
                      interval=0.02)


def children_waiting(timeout: float = 5.0, looks: int = 5, interval: float = 0.02) -> bool:
    """Wait until every live ``multiprocessing`` child of this process has ended
    or sleeps without using CPU, for ``looks`` looks in a row; True if that
    happened within ``timeout`` seconds. A child that still starts (imports,
    or waits for a CPU on a busy machine) is running, not sleeping."""
    from grader.runner import procs

    end = time.monotonic() + timeout
    before: dict[int, tuple[str, int] | None] = {}
    calm = 0
    while time.monotonic() < end:
        now = {p.pid: procs.state_and_cpu(p.pid) for p in multiprocessing.active_children()
               if p.pid is not None}
        asleep = all(s is None or s[0] in "SZXx" for s in now.values())
        calm = calm + 1 if asleep and now == before else 0
        if calm >= looks:
            return True
        before = now
        time.sleep(interval)
    return False


class ThreadStarts:
    """The ``Thread.start`` calls made while recording: (ident of the thread that
    called ``start()``, the thread started)."""

    def __init__(self) -> None:
        self.started: list[tuple[int, threading.Thread]] = []

    def started_by(self, ident: int | None) -> list[threading.Thread]:
        """The threads that the thread ``ident`` started."""
        return [t for caller, t in self.started if caller == ident]


@contextmanager
def record_thread_starts() -> Iterator[ThreadStarts]:
    """Record every ``threading.Thread.start`` made inside the block."""
    starts = ThreadStarts()
    original = threading.Thread.start

    def recording_start(self: threading.Thread) -> None:
        starts.started.append((threading.get_ident(), self))
        return original(self)

    threading.Thread.start = recording_start  # type: ignore[method-assign]
    try:
        yield starts
    finally:
        threading.Thread.start = original  # type: ignore[method-assign]
