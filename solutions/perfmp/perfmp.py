"""Sum of squares across processes (after D. Beazley's CPU-bound examples,
in Python 3.11): the work is split into chunks, one per worker process."""

from __future__ import annotations

from multiprocessing import Pool


def sum_of_squares(start: int, stop: int) -> int:
    """sum(i * i for i in range(start, stop)): one worker's chunk."""
    total = 0
    for i in range(start, stop):
        total += i * i
    return total


def chunks(n: int, workers: int) -> list[tuple[int, int]]:
    """``workers`` half-open ranges [start, stop) that cover 0..n-1 exactly once."""
    bounds = [n * k // workers for k in range(workers + 1)]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def parallel_sum_of_squares(n: int, workers: int = 2) -> int:
    """sum(i * i for i in range(n)), computed by ``workers`` processes."""
    with Pool(workers) as pool:
        return sum(pool.starmap(sum_of_squares, chunks(n, workers)))
