"""Daemonic threads: a heartbeat (reference solution)."""

import threading
import time


def start_heartbeat(interval, callback, stop_event=None):
    """Start a daemon thread that calls ``callback()`` every ``interval`` seconds
    until ``stop_event`` is set (forever if it is None); return the thread."""
    if stop_event is None:
        stop_event = threading.Event()

    def beat():
        next_beat = time.monotonic() + interval
        # wait() returns True as soon as the event is set: no sleeping past a stop
        while not stop_event.wait(max(0.0, next_beat - time.monotonic())):
            callback()
            next_beat += interval  # a fixed timeline: the callback's duration does not add up
            now = time.monotonic()
            if next_beat < now:  # far behind (a callback longer than interval): skip beats
                next_beat = now

    thread = threading.Thread(target=beat, name="heartbeat", daemon=True)
    thread.start()
    return thread
