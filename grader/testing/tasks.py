"""Task functions for multiprocessing tests. They live in an importable module
so that they pickle under every start method (``spawn`` re-imports them by
name in the worker), and they report where and when they ran, so a test checks
parallelism by structure (distinct pids, overlapping intervals), not speed."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from typing import NamedTuple


class Ran(NamedTuple):
    """Where and when one task ran, and what it computed."""

    pid: int
    start: float  # time.monotonic(): one clock for every process of the machine
    end: float
    value: str


def timed_digest(path: str, hold: float = 0.15) -> Ran:
    """SHA-512 of a file, holding the worker for ``hold`` seconds so that
    tasks run by parallel workers overlap in time whatever the machine's load."""
    start = time.monotonic()
    h = hashlib.sha512()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(65536), b""):
            h.update(chunk)
    time.sleep(hold)
    return Ran(os.getpid(), start, time.monotonic(), h.hexdigest())


def max_overlap(runs: Iterable[Ran]) -> int:
    """The largest number of tasks that were running at the same moment."""
    events = sorted([(r.start, 1) for r in runs] + [(r.end, -1) for r in runs],
                    key=lambda e: (e[0], e[1]))
    best = cur = 0
    for _, step in events:
        cur += step
        best = max(best, cur)
    return best


def spin(seconds: float = 0.2) -> Ran:
    """Burn ``seconds`` of this thread's CPU time (not wall time), so the work is
    the same whatever else runs on the machine."""
    start = time.monotonic()
    end_cpu = time.thread_time() + seconds
    n = 0
    while time.thread_time() < end_cpu:
        n += 1
    return Ran(os.getpid(), start, time.monotonic(), str(n))


def hold(seconds: float = 0.2) -> Ran:
    """Sleep ``seconds`` (releases the GIL): for overlap checks independent of load."""
    start = time.monotonic()
    time.sleep(seconds)
    return Ran(os.getpid(), start, time.monotonic(), "")


def square(x: int) -> int:
    return x * x


def where(x: object) -> tuple[int, object]:
    """(pid of the process that ran it, x)."""
    return os.getpid(), x


def fail_on(x: int, bad: int = 3) -> int:
    """``x``, but raises ValueError for ``bad``."""
    if x == bad:
        raise ValueError(f"task {x} failed on purpose")
    return x
