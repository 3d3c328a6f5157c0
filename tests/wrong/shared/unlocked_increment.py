# catches: increments without the array's lock (lost updates)
# fails: test_no_lost_updates
from __future__ import annotations

import multiprocessing


def _count_into(counts, chunk):
    nbins = len(counts)
    for value in chunk:
        if 0 <= value < nbins:
            counts[value] += 1  # "the Array is synchronized, so this is safe"


def parallel_histogram(values, nbins, workers=2):
    values = list(values)
    counts = multiprocessing.Array("i", nbins)
    chunks = [values[i::workers] for i in range(workers)]
    procs = [multiprocessing.Process(target=_count_into, args=(counts, chunk)) for chunk in chunks]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return list(counts)
