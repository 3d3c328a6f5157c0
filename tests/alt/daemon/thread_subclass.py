"""Correct: a Thread subclass, daemon set in __init__ before start, the first
beat at once, beat k due at start + k * interval (no accumulated error)."""

import threading
import time


class Heartbeat(threading.Thread):
    def __init__(self, interval, callback, stop_event):
        super().__init__(name="heartbeat")
        self.daemon = True
        self.interval = interval
        self.callback = callback
        self.stop_event = stop_event if stop_event is not None else threading.Event()

    def run(self):
        started = time.monotonic()
        k = 0
        while not self.stop_event.is_set():
            self.callback()
            k += 1
            due = started + k * self.interval
            self.stop_event.wait(max(0.0, due - time.monotonic()))


def start_heartbeat(interval, callback, stop_event=None):
    beat = Heartbeat(interval, callback, stop_event)
    beat.start()
    return beat
