"""The diagnostics' shared state in one process: what every thread is doing
as far as synchronisation goes, the lock-order graph and the inversions it
found, and where the student's files are.

Written by the tracking primitives, read by the watchdog, the explanations
and the findings; this module imports none of them. Plain dict and attribute
writes are atomic under the GIL, so no lock guards this state (a lock here
would itself need tracking).
"""

from __future__ import annotations

import _thread
import itertools
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from grader.diagnostics.lockorder import Edge, OrderGraph

# (the standard library, the grader)
_LIBRARY_DIRS = (os.path.dirname(os.__file__) + os.sep,
                 os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep)
_serial = itertools.count(1)

# The student's folder (with a trailing separator), whose frames and names are shown.
student_dir: str | None = os.path.realpath(os.environ["GRADER_STUDENT_DIR"]) + os.sep \
    if os.environ.get("GRADER_STUDENT_DIR") else None
# Which lock was taken while which was held, across the whole run.
ORDER = OrderGraph()
# Cycles found in the lock-order graph, oldest first; each is a list of edges.
inversions: list[list[Edge]] = []
# lock id -> lock, for the locks that appear in the order graph (to name them)
locks_by_id: dict[int, Any] = {}


@dataclass
class Wait:
    """A thread blocked (or about to block) in a tracked wait."""

    kind: str  # "lock", "condition", "join", "harness"
    target: Any  # the lock, condition or thread waited for
    timed: bool
    since: float = field(default_factory=time.monotonic)
    frame: Any = None  # the caller's frame, to describe the wait
    serial: int = field(default_factory=lambda: next(_serial))
    waiter: Any = None  # a condition wait's own lock: released when it is notified


# thread ident -> its current wait
waits: dict[int, Wait] = {}
# thread ident -> locks it holds, in acquisition order
held: dict[int, list[Any]] = {}
# thread ident -> counter bumped on every acquire, release and wake-up
progress: dict[int, int] = {}
# thread ident -> the test during which the thread was started ("" before any)
born_in: dict[int, str] = {}
# thread ident -> the thread it is starting (Thread.start waits until the new one runs)
starting: dict[int, Any] = {}
# (the test it happened in, its diagnosis) of every thread that died with an exception
crashes: list[tuple[str, Any]] = []
current_test = ""
# threads already named in a diagnosis: stuck for good, never reported again
reported: set[int] = set()


def bump(ident: int) -> None:
    progress[ident] = progress.get(ident, 0) + 1


def creation_site(skip: int = 2) -> str:
    """``file:line`` of the first frame outside the standard library and the
    grader, where a lock or thread is being created."""
    frame = sys._getframe(skip)
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARY_DIRS + ("<",)):
        frame = frame.f_back
    if frame is None:
        return "?"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def made_by_library(skip: int = 2) -> bool:
    """Whether the code creating an object (``skip`` frames up) is the standard
    library's or the grader's: a Queue's mutex, a Future's condition. Such
    internal locks are not named, and their ordering among themselves is not
    the student's concern."""
    frame = sys._getframe(skip)
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARY_DIRS[1]):
        frame = frame.f_back  # the grader's own wrappers are transparent
    return frame is None or frame.f_code.co_filename.startswith((_LIBRARY_DIRS[0], "<"))


def reset_after_fork() -> None:
    """In a forked child only the forking thread exists."""
    me = _thread.get_ident()
    for table in (waits, held, progress, born_in, harness, starting):
        for ident in [i for i in table if i != me]:
            del table[ident]
    reported.clear()


# A deadline (a test's wait for student code, or for an asyncio loop) stretches to
# at most this many times itself while the run shows progress (a busy machine).
STRETCH = 8

# thread ident -> a "harness" wait: the test waiting (with a deadline) for the
# student's code to return; counts as blocked for stall detection
harness: dict[int, Wait] = {}


class harness_wait:  # noqa: N801 - used as a context manager
    """Mark the calling thread as the test waiting for student code (running
    in ``thread``, when it is one thread)."""

    def __init__(self, what: Any = None, thread: Any = None) -> None:
        self.what = what
        self.thread = thread

    def __enter__(self) -> None:
        harness[_thread.get_ident()] = Wait("harness", self.what, False, waiter=self.thread)

    def __exit__(self, *exc: object) -> None:
        harness.pop(_thread.get_ident(), None)
