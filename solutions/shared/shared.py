"""Reference solution: a histogram counted by worker processes into one
multiprocessing.Array, each increment made under the array's own lock."""

from __future__ import annotations

import multiprocessing


def _count_into(counts, chunk: list[int]) -> None:
    """Worker: one locked increment per value that falls in range(len(counts))."""
    nbins = len(counts)
    for value in chunk:
        if 0 <= value < nbins:
            with counts.get_lock():  # the read and the write of += as one step
                counts[value] += 1


def parallel_histogram(values, nbins: int, workers: int = 2) -> list[int]:
    values = list(values)
    counts = multiprocessing.Array("i", nbins)  # zeros, with a lock
    chunks = [values[i::workers] for i in range(workers)]
    procs = [multiprocessing.Process(target=_count_into, args=(counts, chunk))
             for chunk in chunks]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return list(counts)
