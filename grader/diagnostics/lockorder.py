"""The lock-order graph. An edge A -> B means some thread held A while it
acquired B; a path back from B to A closes a cycle, and two threads taking
those locks in those orders at the same time deadlock. Found even when the run
happened not to hang."""

from __future__ import annotations

import _thread
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class Edge:
    """``first`` was held while ``second`` was acquired, at ``site``."""

    first: Hashable
    second: Hashable
    site: str
    thread: str = ""
    names: tuple[str, str] = ("", "")  # the student's names for the two locks, if found


class OrderGraph:
    """Edges between locks; :meth:`add` reports the cycle an edge closes."""

    def __init__(self) -> None:
        self._mutex = _thread.allocate_lock()
        self.edges: dict[tuple[Hashable, Hashable], Edge] = {}
        self._out: dict[Hashable, set[Hashable]] = {}

    def add(self, edge: Edge) -> list[Edge] | None:
        """Record ``edge`` (first one per pair of locks); if it closes a cycle,
        return the cycle's edges, the new one last."""
        key = (edge.first, edge.second)
        with self._mutex:
            if key in self.edges or edge.first == edge.second:
                return None
            self.edges[key] = edge
            self._out.setdefault(edge.first, set()).add(edge.second)
            back = self._path(edge.second, edge.first)
        return None if back is None else [*back, edge]

    def _path(self, start: Hashable, goal: Hashable) -> list[Edge] | None:
        todo: list[tuple[Hashable, list[Edge]]] = [(start, [])]
        seen = {start}
        while todo:
            node, path = todo.pop()
            for nxt in self._out.get(node, ()):
                step = [*path, self.edges[(node, nxt)]]
                if nxt == goal:
                    return step
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append((nxt, step))
        return None
