"""Correct, another style: an unsynchronized Array (lock=False) plus a
separate multiprocessing.Lock taken around each increment; workers are a
Process subclass."""

from __future__ import annotations

import multiprocessing


class Counter(multiprocessing.Process):
    def __init__(self, counts, lock, chunk):
        super().__init__()
        self.counts, self.lock, self.chunk = counts, lock, chunk

    def run(self):
        n = len(self.counts)
        for v in self.chunk:
            if 0 <= v < n:
                with self.lock:
                    self.counts[v] += 1


def parallel_histogram(values, nbins, workers=2):
    values = list(values)
    counts = multiprocessing.RawArray("i", nbins)
    lock = multiprocessing.Lock()
    procs = [Counter(counts, lock, values[i::workers]) for i in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return counts[:]
