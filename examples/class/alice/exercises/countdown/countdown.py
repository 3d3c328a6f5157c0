"""Correct: keyword arguments to super().__init__ (a daemon thread), the
delay slept before every step but the first, current_thread() for the name."""

import threading
import time


class CountdownThread(threading.Thread):
    def __init__(self, count, out, delay=0.0):
        super().__init__(daemon=True)
        self.count, self.out, self.delay = count, out, delay

    def run(self):
        me = threading.current_thread().name
        for i, n in enumerate(reversed(range(1, self.count + 1))):
            if i:
                time.sleep(self.delay)
            self.out.append((me, n))
