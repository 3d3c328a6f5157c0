# catches: threads instead of processes
# fails: test_work_runs_in_child_processes
from __future__ import annotations

from multiprocessing.pool import ThreadPool


def sum_of_squares(start, stop):
    return sum(i * i for i in range(start, stop))


def parallel_sum_of_squares(n, workers=2):
    bounds = [n * k // workers for k in range(workers + 1)]
    with ThreadPool(workers) as pool:  # threads: one GIL, no parallel computing
        return sum(pool.starmap(sum_of_squares, zip(bounds, bounds[1:])))
