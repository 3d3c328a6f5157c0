# catches: each generator exhausted in turn
# fails: test_round_robin_steps_generators_in_turn
"""Exhausts every generator with list() first, then interleaves the values: the
result is in the right order, but the generators did not take turns."""

from collections import deque
from itertools import zip_longest

_MISSING = object()


def round_robin(gens):
    all_values = [list(gen) for gen in gens]
    produced = []
    for row in zip_longest(*all_values, fillvalue=_MISSING):
        for index, value in enumerate(row):
            if value is not _MISSING:
                produced.append((index, value))
    return produced


class Scheduler:
    def __init__(self):
        self._ready = deque()

    def spawn(self, gen):
        self._ready.append(gen)

    def run(self):
        while self._ready:
            task = self._ready.popleft()
            try:
                next(task)
            except StopIteration:
                continue
            self._ready.append(task)
