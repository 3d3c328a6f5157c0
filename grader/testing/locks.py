"""Lock-order recording: finds a lock-order inversion (thread 1 takes A then B,
thread 2 takes B then A) even when the run happens not to deadlock.

Every acquisition made while other tracked locks are held adds edges
"held -> new" to a graph, with the place in the code where it happened; an edge
that closes a cycle is an inversion. One thread doing ``transfer(a, b)`` then
``transfer(b, a)`` is enough to show it, with no luck involved.
"""

from __future__ import annotations

import _thread
import os
import sys
import threading
from dataclasses import dataclass
from typing import Any

_HERE = os.path.dirname(os.path.abspath(__file__))


def _call_site() -> str:
    """``file:line in function`` of the nearest caller outside this package."""
    frame = sys._getframe(1)
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == _HERE:
        frame = frame.f_back
    if frame is None:
        return "?"
    return (f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_lineno} "
            f"in {frame.f_code.co_name}")


@dataclass(frozen=True)
class Edge:
    """Lock ``first`` was held while ``second`` was acquired, at ``site``."""

    first: str
    second: str
    site: str


class TrackedLock:
    """A lock that reports its acquisitions to a :class:`LockOrderTracker`."""

    def __init__(self, tracker: LockOrderTracker, name: str, inner: Any = None) -> None:
        self._tracker = tracker
        self.name = name
        self._inner = inner if inner is not None else _thread.allocate_lock()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        self._tracker._before_acquire(self)
        got = self._inner.acquire(blocking, timeout)
        if got:
            self._tracker._acquired(self)
        return got

    def release(self) -> None:
        self._inner.release()
        self._tracker._released(self)

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
        self._mutex = _thread.allocate_lock()
        self._held = threading.local()
        self.edges: dict[tuple[str, str], Edge] = {}
        self.inversions: list[tuple[Edge, Edge]] = []

    def lock(self, name: str, inner: Any = None) -> TrackedLock:
        """A new tracked lock called ``name`` (wrapping ``inner`` if given)."""
        return TrackedLock(self, name, inner)

    def _stack(self) -> list[str]:
        if not hasattr(self._held, "names"):
            self._held.names = []
        return self._held.names

    def _before_acquire(self, lock: TrackedLock) -> None:
        held = self._stack()
        if not held or lock.name in held:
            return
        site = _call_site()
        with self._mutex:
            for first in held:
                key = (first, lock.name)
                if key in self.edges:
                    continue
                edge = Edge(first, lock.name, site)
                self.edges[key] = edge
                back = self._path(lock.name, first)
                if back is not None:
                    self.inversions.append((self.edges[back[0]], edge))

    def _path(self, start: str, goal: str) -> list[tuple[str, str]] | None:
        """Edges of a path start -> ... -> goal in the order graph, if any."""
        todo: list[tuple[str, list[tuple[str, str]]]] = [(start, [])]
        seen = {start}
        while todo:
            node, path = todo.pop()
            for a, b in self.edges:
                if a != node or b in seen:
                    continue
                step = [*path, (a, b)]
                if b == goal:
                    return step
                seen.add(b)
                todo.append((b, step))
        return None

    def _acquired(self, lock: TrackedLock) -> None:
        self._stack().append(lock.name)

    def _released(self, lock: TrackedLock) -> None:
        held = self._stack()
        for i in range(len(held) - 1, -1, -1):
            if held[i] == lock.name:
                del held[i]
                return

    def explain(self) -> str:
        """A student-readable account of the first inversion ('' if none)."""
        if not self.inversions:
            return ""
        old, new = self.inversions[0]
        return (
            f"Lock-order inversion: `{old.first}` was held while taking `{old.second}` "
            f"({old.site}), and later `{new.first}` was held while taking `{new.second}` "
            f"({new.site}). Two threads doing these at the same time each hold one lock "
            "and wait forever for the other: a deadlock. Always take the locks in one "
            "global order (for example by account id)."
        )
