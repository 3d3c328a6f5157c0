"""Lock-order recording for tests: finds a lock-order inversion (one thread
takes A then B, another B then A) even when the run happens not to deadlock.

Every acquisition made while other tracked locks are held adds edges
"held -> new" to a :class:`~grader.diagnostics.lockorder.OrderGraph`, with the
place in the code where it happened; an edge that closes a cycle is an
inversion. One thread doing ``transfer(a, b)`` then ``transfer(b, a)`` is
enough to show it, with no luck involved. (The grader's diagnostics record the
same graph for every lock of a run; this tracker is for locks a test hands to
student code, outside a graded run too.)
"""

from __future__ import annotations

import _thread
import itertools
import os
import sys
import threading
from typing import Any

from grader.diagnostics import timeline
from grader.diagnostics.lockorder import Edge, OrderGraph

_HERE = os.path.dirname(os.path.abspath(__file__))


def _call_site() -> str:
    """``path:line`` of the nearest caller outside this package."""
    frame = sys._getframe(1)
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == _HERE:
        frame = frame.f_back
    if frame is None:
        return "?"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def _share(cycle: list[Edge]) -> None:
    """In a graded run, the inversion also becomes the test's diagnosis."""
    from grader import diagnostics

    if diagnostics._installed:
        from grader.diagnostics import state

        state.inversions.append(cycle)


class TrackedLock:
    """A lock that reports its acquisitions to a :class:`LockOrderTracker`."""

    def __init__(self, tracker: LockOrderTracker, name: str, inner: Any = None) -> None:
        self._tracker = tracker
        self.name = name
        self.key = next(tracker._ids)
        self._inner = inner if inner is not None else _thread.allocate_lock()
        self._holder = ""  # the name of the thread holding it, for the timeline
        if hasattr(self._inner, "_shown"):
            self._inner._shown = False  # (this one is on the timeline instead)

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if blocking:
            self._tracker._before_acquire(self)
            if self._inner.locked():
                timeline.record("wait", self, other=self._holder)
        got = self._inner.acquire(blocking, timeout)
        if got:
            self._tracker._held().append(self)
            self._holder = timeline.holder_name_of(threading.get_ident())
            timeline.record("take", self)
        return got

    def release(self) -> None:
        if self._inner.locked():  # (recorded before: the next holder's take comes after)
            timeline.record("release", self)
            self._holder = ""
        self._inner.release()
        held = self._tracker._held()
        for i in range(len(held) - 1, -1, -1):
            if held[i] is self:
                del held[i]
                break

    def locked(self) -> bool:
        return self._inner.locked()

    __enter__ = acquire

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"<TrackedLock {self.name}>"


class LockOrderTracker:
    """Records the order in which threads take tracked locks."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._local = threading.local()
        self.graph = OrderGraph()
        self.inversions: list[list[Edge]] = []

    def lock(self, name: str, inner: Any = None) -> TrackedLock:
        """A new tracked lock called ``name`` (wrapping ``inner`` if given)."""
        return TrackedLock(self, name, inner)

    def _held(self) -> list[TrackedLock]:
        if not hasattr(self._local, "locks"):
            self._local.locks = []
        return self._local.locks

    def _before_acquire(self, lock: TrackedLock) -> None:
        for first in self._held():
            if first is lock:
                continue
            cycle = self.graph.add(Edge(first.key, lock.key, _call_site(),
                                        threading.current_thread().name,
                                        (first.name, lock.name)))
            if cycle:
                self.inversions.append(cycle)
                _share(cycle)

    def explain(self) -> str:
        """A student-readable account of the first inversion ('' if none)."""
        if not self.inversions:
            return ""
        steps = "; and later ".join(
            f"`{e.names[0]}` was held while taking `{e.names[1]}` "
            f"({os.path.basename(e.site)})" for e in self.inversions[0])
        return (f"Lock-order inversion: {steps}. Two threads doing these at the same time "
                "each hold one lock and wait forever for the other: a deadlock. Always take "
                "the locks in one global order (for example by account id).")
