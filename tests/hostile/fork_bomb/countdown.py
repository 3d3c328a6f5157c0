"""A bounded fork bomb at import: a tree of up to 4095 processes, each
sleeping a minute. The run's process cap must stop it."""

import os
import time


def _bomb(depth):
    for _ in range(2):
        try:
            pid = os.fork()
        except OSError:
            return
        if pid == 0:
            if depth:
                _bomb(depth - 1)
            time.sleep(60)
            os._exit(0)


_bomb(11)


class CountdownThread:  # wrong on purpose: scores 0 even if the bomb did nothing
    def __init__(self, count, out, delay=0.0):
        pass
