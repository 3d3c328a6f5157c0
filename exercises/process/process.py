"""Processes as classes: a countdown process.

Replace each ``raise NotImplementedError`` with your code; see README.md.
"""

from __future__ import annotations

import multiprocessing
import os  # noqa: F401 - you will need it


class CountdownProcess(multiprocessing.Process):
    """A process that counts down from ``count`` to 1, putting ``(os.getpid(), n)``
    on the queue ``out_q`` for each n."""

    def __init__(self, count: int, out_q) -> None:
        super().__init__()
        # Keep what run() needs on self. Everything on self must survive pickling
        # (the 'spawn' start method pickles the whole object).

    def run(self) -> None:
        """Runs in the child process (start() calls it there)."""
        raise NotImplementedError("run: put (os.getpid(), n) on the queue for n = count..1")


def run_countdowns(counts: list[int]) -> dict[int, list[int]]:
    """Start one CountdownProcess per count, collect what they put on a shared
    ``multiprocessing.Queue``, and return ``{child pid: [count, ..., 1]}``.
    Every child has ended when this returns."""
    raise NotImplementedError("run_countdowns: start the processes, read the queue, then join")
