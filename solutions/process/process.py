"""Processes as classes: a countdown process (after D. Beazley's countdownp.py,
in Python 3.11)."""

from __future__ import annotations

import multiprocessing
import os


class CountdownProcess(multiprocessing.Process):
    """Counts down from ``count`` to 1 in a child process, putting
    ``(pid, n)`` on ``out_q`` for each n."""

    def __init__(self, count: int, out_q) -> None:
        super().__init__()
        self.count = count
        self.out_q = out_q  # a multiprocessing.Queue pickles fine (when starting a process)

    def run(self) -> None:
        pid = os.getpid()
        for n in range(self.count, 0, -1):
            self.out_q.put((pid, n))


def run_countdowns(counts: list[int]) -> dict[int, list[int]]:
    """Run one CountdownProcess per count; return what each child put, by pid."""
    out_q = multiprocessing.Queue()
    procs = [CountdownProcess(count, out_q) for count in counts]
    for p in procs:
        p.start()
    results: dict[int, list[int]] = {p.pid: [] for p in procs}
    for _ in range(sum(max(c, 0) for c in counts)):  # drain everything first...
        pid, n = out_q.get()
        results[pid].append(n)
    for p in procs:  # ...then join: a child exits only once its items are in the pipe
        p.join()
    out_q.close()
    out_q.join_thread()
    return results
