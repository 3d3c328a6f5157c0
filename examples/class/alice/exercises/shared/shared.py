"""Correct, another style: a Pool of workers (initializer hands them the shared
Array), each counts its chunk in a local list, then adds it to the Array once,
under the array's lock."""

from __future__ import annotations

import multiprocessing

_counts = None


def _init(counts) -> None:
    global _counts
    _counts = counts


def _count_chunk(chunk: list[int]) -> None:
    nbins = len(_counts)
    local = [0] * nbins
    for v in chunk:
        if 0 <= v < nbins:
            local[v] += 1
    with _counts.get_lock():
        for i, c in enumerate(local):
            _counts[i] += c


def parallel_histogram(values, nbins, workers=2):
    values = list(values)
    counts = multiprocessing.Array("q", nbins)
    chunks = [values[i::workers] for i in range(workers)]
    with multiprocessing.Pool(workers, initializer=_init, initargs=(counts,)) as pool:
        pool.map(_count_chunk, chunks)
    return list(counts)
