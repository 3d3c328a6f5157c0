"""Threads as classes: a countdown thread (reference solution)."""

import threading
import time


class CountdownThread(threading.Thread):
    """A thread that counts down from ``count`` to 1, appending to ``out``."""

    def __init__(self, count, out, delay=0.0):
        super().__init__()
        self.count = count
        self.out = out
        self.delay = delay

    def run(self):
        for n in range(self.count, 0, -1):
            self.out.append((self.name, n))
            if n > 1 and self.delay:
                time.sleep(self.delay)
