"""A double-forked, setsid() grandchild that sleeps for ten minutes; its pid
goes to $HOSTILE_PIDFILE so the test can check it is gone."""

import os
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        path = os.environ.get("HOSTILE_PIDFILE")
        if path:
            with open(path, "a") as f:
                f.write(f"{os.getpid()}\n")
        time.sleep(600)
    os._exit(0)


class CountdownThread:  # wrong on purpose
    def __init__(self, count, out, delay=0.0):
        pass
