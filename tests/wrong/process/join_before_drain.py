# catches: `join` before draining a large queue (hang)
# fails: test_large_count_does_not_hang, test_many_items_do_not_hang
from __future__ import annotations

import multiprocessing
import os


class CountdownProcess(multiprocessing.Process):
    def __init__(self, count, out_q):
        super().__init__()
        self.count = count
        self.out_q = out_q

    def run(self):
        for n in range(self.count, 0, -1):
            self.out_q.put((os.getpid(), n))


def run_countdowns(counts):
    q = multiprocessing.Queue()
    procs = [CountdownProcess(c, q) for c in counts]
    for p in procs:
        p.start()
    for p in procs:
        p.join()  # a child cannot exit while its items are still waiting to go into the pipe
    results = {p.pid: [] for p in procs}
    while not q.empty():
        pid, n = q.get()
        results[pid].append(n)
    return results
