# catches: chunks that skip or repeat a number
# fails: test_exact_sums, test_under_start_method, test_parallel_sum_uneven_chunks
from __future__ import annotations

from multiprocessing import Pool


def sum_of_squares(start, stop):
    return sum(i * i for i in range(start, stop))


def parallel_sum_of_squares(n, workers=2):
    size = n // workers  # the remainder n % workers is never summed
    ranges = [(k * size, (k + 1) * size) for k in range(workers)]
    with Pool(workers) as pool:
        return sum(pool.starmap(sum_of_squares, ranges))
