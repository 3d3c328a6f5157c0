# catches: increments without the array's lock (lost updates)
# fails: test_no_lost_updates
from __future__ import annotations

import multiprocessing


def _count_into(counts, chunk):
    for value in chunk:
        if 0 <= value < len(counts):
            counts[value] += 1


def parallel_histogram(values, nbins, workers=2):
    values = list(values)
    counts = multiprocessing.Array("i", nbins, lock=False)  # "faster without the lock"
    size = -(-len(values) // workers)
    procs = [multiprocessing.Process(target=_count_into, args=(counts, values[i:i + size]))
             for i in range(0, len(values), size or 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return list(counts)
