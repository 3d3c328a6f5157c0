"""Correct, another style: the process takes its settings through
Process(name=..., daemon=...), run() reads the queue from a private name,
and run_countdowns reads until every child has sent all its numbers (by
counting per pid), then joins, with the queue from an explicit context."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import defaultdict


class CountdownProcess(mp.Process):
    def __init__(self, count, out_q):
        super().__init__(name=f"countdown-{count}", daemon=True)
        self._count = int(count)
        self._q = out_q

    def run(self):
        me = os.getpid()
        n = self._count
        while n > 0:
            self._q.put((me, n))
            n -= 1


def run_countdowns(counts):
    ctx = mp.get_context()
    q = ctx.Queue(maxsize=0)
    children = []
    for c in counts:
        child = CountdownProcess(c, q)
        child.start()
        children.append(child)
    got: defaultdict[int, list[int]] = defaultdict(list)
    remaining = sum(counts)
    while remaining:
        pid, n = q.get()
        got[pid].append(n)
        remaining -= 1
    for child in children:
        child.join()
    q.close()
    return dict(got)
