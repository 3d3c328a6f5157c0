# catches: the clock stopped before `join`
# fails: test_threads_use_about_one_cpu, test_threads_ratio_matches_the_workers, test_processes_use_more_than_one_cpu, test_processes_ratio_matches_the_workers
from __future__ import annotations

import multiprocessing
import threading
import time


def _thread_main(worker, out, i):
    c0 = time.thread_time()
    worker()
    out[i] = time.thread_time() - c0


def _process_main(worker, q):
    c0 = time.process_time()
    worker()
    q.put(time.process_time() - c0)


def cpu_parallelism(worker, n, mode):
    start = time.perf_counter()
    if mode == "threads":
        out = [0.0] * n
        threads = [threading.Thread(target=_thread_main, args=(worker, out, i)) for i in range(n)]
        for t in threads:
            t.start()
        wall = time.perf_counter() - start  # stopped once the workers are started
        for t in threads:
            t.join()
        return sum(out) / wall
    if mode == "processes":
        q = multiprocessing.Queue()
        procs = [multiprocessing.Process(target=_process_main, args=(worker, q)) for _ in range(n)]
        for p in procs:
            p.start()
        wall = time.perf_counter() - start  # stopped once the workers are started
        total = sum(q.get() for _ in range(n))
        for p in procs:
            p.join()
        return total / wall
    raise ValueError(mode)
