# catches: threads used at all
# fails: test_round_robin_runs_in_the_calling_thread, test_scheduler_runs_in_the_calling_thread
"""A thread per generator, taking turns through a Condition: the order is right,
but generators were meant to replace threads, not to ride on them."""

import threading
from collections import deque


def round_robin(gens):
    gens = list(gens)
    produced = []
    alive = list(range(len(gens)))
    turn = [0]  # position in `alive` whose turn it is
    cond = threading.Condition()

    def drive(index):
        gen = gens[index]
        while True:
            with cond:
                cond.wait_for(lambda: alive[turn[0]] == index)
                try:
                    produced.append((index, next(gen)))
                    turn[0] = (turn[0] + 1) % len(alive)
                except StopIteration:
                    pos = alive.index(index)
                    alive.remove(index)
                    if alive:
                        turn[0] = pos % len(alive)
                    cond.notify_all()
                    return
                cond.notify_all()

    workers = [threading.Thread(target=drive, args=(i,)) for i in range(len(gens))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return produced


class Scheduler:
    def __init__(self):
        self._ready = deque()

    def spawn(self, gen):
        self._ready.append(gen)

    def _loop(self):
        while self._ready:
            task = self._ready.popleft()
            try:
                next(task)
            except StopIteration:
                continue
            self._ready.append(task)

    def run(self):
        worker = threading.Thread(target=self._loop, name="scheduler")
        worker.start()
        worker.join()
