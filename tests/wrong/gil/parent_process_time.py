# catches: the parent's `process_time()` used for processes (misses the children)
# fails: test_processes_use_more_than_one_cpu, test_processes_ratio_matches_the_workers
from __future__ import annotations

import multiprocessing
import threading
import time


def cpu_parallelism(worker, n, mode):
    if mode == "threads":
        make = threading.Thread
    elif mode == "processes":
        make = multiprocessing.Process
    else:
        raise ValueError(mode)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    workers = [make(target=worker) for _ in range(n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return (time.process_time() - cpu0) / (time.perf_counter() - wall0)
