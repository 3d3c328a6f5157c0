"""Correct, another style: one multiprocessing.Process per chunk, partial sums
sent back on a Queue (read before joining), chunk sizes spread the remainder
over the first chunks, and the sum uses the closed formula per chunk."""

from __future__ import annotations

import multiprocessing as mp


def _squares_below(k: int) -> int:
    return (k - 1) * k * (2 * k - 1) // 6 if k > 0 else 0


def _worker(start: int, stop: int, results) -> None:
    results.put(_squares_below(stop) - _squares_below(start))


def parallel_sum_of_squares(n, workers=2):
    base, extra = divmod(n, workers)
    results = mp.Queue()
    procs, start = [], 0
    for k in range(workers):
        stop = start + base + (1 if k < extra else 0)
        procs.append(mp.Process(target=_worker, args=(start, stop, results)))
        start = stop
    for p in procs:
        p.start()
    total = sum(results.get() for _ in procs)
    for p in procs:
        p.join()
    return total
