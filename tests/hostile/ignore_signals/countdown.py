"""SIGTERM and SIGINT ignored, in this process and a child that sleeps, and a
non-daemon thread that never ends (the interpreter would never exit)."""

import os
import signal
import threading
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
if os.fork() == 0:
    time.sleep(600)
    os._exit(0)
threading.Thread(target=time.sleep, args=(600,), name="forever").start()


class CountdownThread:  # wrong on purpose
    def __init__(self, count, out, delay=0.0):
        pass
