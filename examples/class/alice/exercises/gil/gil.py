"""cpu_parallelism with concurrent.futures executors; the process workers
report their CPU time with os.times() (user + system)."""

import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def _thread_cpu(worker):
    before = time.thread_time()
    worker()
    return time.thread_time() - before


def _process_cpu(worker):
    before = os.times()
    worker()
    after = os.times()
    return (after.user - before.user) + (after.system - before.system)


def cpu_parallelism(worker, n, mode):
    kinds = {"threads": (ThreadPoolExecutor, _thread_cpu),
             "processes": (ProcessPoolExecutor, _process_cpu)}
    if mode not in kinds:
        raise ValueError(f"unknown mode {mode!r}")
    executor_class, timed = kinds[mode]
    t0 = time.monotonic()
    with executor_class(max_workers=n) as ex:
        futures = [ex.submit(timed, worker) for _ in range(n)]
        cpu = sum(f.result() for f in futures)
    elapsed = time.monotonic() - t0  # after the with block: every worker joined
    print(f"{n} {mode}: {cpu:.3f} s CPU in {elapsed:.3f} s")
    return cpu / elapsed
