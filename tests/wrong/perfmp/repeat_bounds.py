# catches: chunks that skip or repeat a number
# fails: test_exact_sums, test_under_start_method, test_default_workers, test_parallel_sum_small, test_parallel_sum_uneven_chunks
from __future__ import annotations

import math
from multiprocessing import Pool


def sum_of_squares(start, stop):
    return sum(i * i for i in range(start, stop + 1))  # inclusive: each boundary counted twice


def parallel_sum_of_squares(n, workers=2):
    size = math.ceil(n / workers) if n else 0
    ranges = [(k * size, min((k + 1) * size, n - 1)) for k in range(workers) if k * size < n]
    with Pool(workers) as pool:
        return sum(pool.starmap(sum_of_squares, ranges))
