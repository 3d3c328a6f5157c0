"""Correct, another style: concurrent.futures.ProcessPoolExecutor, chunks as
range objects (they pickle), a plain loop in the worker."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor


def part(r: range) -> int:
    s = 0
    for i in r:
        s += i * i
    return s


def parallel_sum_of_squares(n, workers=2):
    step = -(-n // workers) if n else 1
    pieces = [range(lo, min(lo + step, n)) for lo in range(0, n, step)] or [range(0)]
    with ProcessPoolExecutor(max_workers=workers) as ex:
        return sum(ex.map(part, pieces))
