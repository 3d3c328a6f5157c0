"""sys.exit(0) inside a method."""

import sys
import threading


class CountdownThread(threading.Thread):
    def __init__(self, count, out, delay=0.0):
        super().__init__()
        sys.exit(0)

    def run(self):
        sys.exit(0)
