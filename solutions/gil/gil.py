"""How much CPU do n CPU-bound workers get at once: threads share one GIL,
processes each have their own."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable


def _timed_thread(worker: Callable[[], object], cpu: list[float], i: int) -> None:
    start = time.thread_time()  # CPU time of this thread only
    worker()
    cpu[i] = time.thread_time() - start


def _timed_process(worker: Callable[[], object], results) -> None:
    start = time.process_time()  # CPU time of this (child) process
    worker()
    results.put(time.process_time() - start)


def cpu_parallelism(worker: Callable[[], object], n: int, mode: str) -> float:
    """Run ``worker()`` ``n`` times at once in threads or processes; return the
    workers' total CPU time divided by the wall time of the whole run."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if mode == "threads":
        cpu = [0.0] * n
        start = time.perf_counter()
        threads = [threading.Thread(target=_timed_thread, args=(worker, cpu, i))
                   for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        return sum(cpu) / wall
    if mode == "processes":
        results = multiprocessing.Queue()
        start = time.perf_counter()
        procs = [multiprocessing.Process(target=_timed_process, args=(worker, results))
                 for _ in range(n)]
        for p in procs:
            p.start()
        try:
            total = sum(results.get() for _ in range(n))
        finally:
            for p in procs:
                p.join()
            results.close()
            results.join_thread()
        wall = time.perf_counter() - start
        return total / wall
    raise ValueError(f"mode must be 'threads' or 'processes', not {mode!r}")
