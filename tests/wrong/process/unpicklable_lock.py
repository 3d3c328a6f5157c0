# catches: unpicklable state on `self` (fails under spawn)
# fails: test_child_puts_its_pid_and_countdown, test_run_countdowns_under_start_method
from __future__ import annotations

import multiprocessing
import os
import threading


class CountdownProcess(multiprocessing.Process):
    def __init__(self, count, out_q):
        super().__init__()
        self.count = count
        self.out_q = out_q
        self.lock = threading.Lock()  # cannot be pickled: start() fails under spawn/forkserver

    def run(self):
        pid = os.getpid()
        for n in range(self.count, 0, -1):
            with self.lock:
                self.out_q.put((pid, n))


def run_countdowns(counts):
    q = multiprocessing.Queue()
    procs = [CountdownProcess(c, q) for c in counts]
    for p in procs:
        p.start()
    results = {p.pid: [] for p in procs}
    for _ in range(sum(counts)):
        pid, n = q.get()
        results[pid].append(n)
    for p in procs:
        p.join()
    return results
