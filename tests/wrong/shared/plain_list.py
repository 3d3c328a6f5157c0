# catches: a plain list (children change copies)
# fails: test_small_histogram, test_many_values_many_workers, test_histogram_under_start_method, test_no_lost_updates, test_values_outside_the_bins_are_ignored, test_more_workers
from __future__ import annotations

import multiprocessing


def _count_into(counts, chunk):
    for value in chunk:
        if 0 <= value < len(counts):
            counts[value] += 1


def parallel_histogram(values, nbins, workers=2):
    values = list(values)
    counts = [0] * nbins  # each child changes its own copy
    chunks = [values[i::workers] for i in range(workers)]
    procs = [multiprocessing.Process(target=_count_into, args=(counts, chunk)) for chunk in chunks]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return counts
