"""Correct: Thread.__init__ called explicitly (the slides' style), a while loop
on a private counter, `+=` on the shared list, a name given to the thread, and
a debug print guarded by a flag."""

import threading
from time import sleep

DEBUG = False


class CountdownThread(threading.Thread):
    def __init__(self, count, out, delay=0.0):
        threading.Thread.__init__(self, name=f"countdown-{count}-{id(self):x}")
        self._left = count
        self._out = out
        self._delay = delay

    def _step(self):
        self._out += [(self.name, self._left)]
        if DEBUG:
            print("Counting down", self._left)
        self._left -= 1

    def run(self):
        while self._left > 0:
            self._step()
            if self._left > 0:
                sleep(self._delay)
