"""Generators as cooperative tasks: a round-robin runner and a tiny scheduler.

Reference solution. Everything runs in the calling thread: a generator is a
task that runs until its next ``yield`` and then hands control back.
"""

from __future__ import annotations

from collections import deque


def round_robin(gens):
    """Advance each generator one step in turn until all are exhausted.

    Returns the ``(index, value)`` pairs in the order they were produced, where
    ``index`` is the generator's position in ``gens``.
    """
    ready = deque(enumerate(gens))
    produced = []
    while ready:
        index, gen = ready.popleft()
        try:
            value = next(gen)
        except StopIteration:
            continue  # finished: not put back
        produced.append((index, value))
        ready.append((index, gen))
    return produced


class Scheduler:
    """Run generator tasks cooperatively, one step each in turn (FIFO)."""

    def __init__(self):
        self._ready = deque()

    def spawn(self, gen):
        """Add a task at the back of the ready queue (it runs once run() reaches it)."""
        self._ready.append(gen)

    def run(self):
        """Run until every task, including tasks spawned meanwhile, has finished."""
        while self._ready:
            task = self._ready.popleft()
            try:
                next(task)
            except StopIteration:
                continue
            self._ready.append(task)
