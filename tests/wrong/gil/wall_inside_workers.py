# catches: wall time measured inside the workers
# fails: test_threads_ratio_matches_the_workers, test_threads_use_about_one_cpu, test_processes_ratio_matches_the_workers
from __future__ import annotations

import multiprocessing
import threading
import time


def _timed(worker):
    wall0, cpu0 = time.perf_counter(), time.thread_time()
    worker()
    return time.thread_time() - cpu0, time.perf_counter() - wall0


def _thread_main(worker, out, i):
    out[i] = _timed(worker)


def _process_main(worker, q):
    q.put(_timed(worker))


def cpu_parallelism(worker, n, mode):
    if mode == "threads":
        out = [(0.0, 0.0)] * n
        threads = [threading.Thread(target=_thread_main, args=(worker, out, i)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        times = out
    elif mode == "processes":
        q = multiprocessing.Queue()
        procs = [multiprocessing.Process(target=_process_main, args=(worker, q)) for _ in range(n)]
        for p in procs:
            p.start()
        times = [q.get() for _ in range(n)]
        for p in procs:
            p.join()
    else:
        raise ValueError(mode)
    # each worker timed itself: add up the CPU and the wall times
    return sum(c for c, _ in times) / sum(w for _, w in times)
