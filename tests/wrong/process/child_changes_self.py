# catches: expecting the child's changes in the parent's object
# fails: test_run_countdowns_under_start_method, test_run_countdowns_one_process, test_large_count_does_not_hang
from __future__ import annotations

import multiprocessing
import os


class CountdownProcess(multiprocessing.Process):
    def __init__(self, count, out_q):
        super().__init__()
        self.count = count
        self.out_q = out_q
        self.counted = []

    def run(self):
        for n in range(self.count, 0, -1):
            self.out_q.put((os.getpid(), n))
            self.counted.append(n)  # changes the child's copy only


def run_countdowns(counts):
    q = multiprocessing.Queue()
    procs = [CountdownProcess(c, q) for c in counts]
    for p in procs:
        p.start()
    for _ in range(sum(counts)):
        q.get()  # emptied so the children can exit, but the values are thrown away
    for p in procs:
        p.join()
    return {p.pid: p.counted for p in procs}  # still [] in the parent
