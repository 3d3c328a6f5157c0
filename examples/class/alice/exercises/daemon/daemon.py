"""Correct: waits `interval` minus the time the callback took (measured with
perf_counter) instead of keeping a timeline, daemon attribute set before start."""

import threading
from time import perf_counter


def start_heartbeat(interval, callback, stop_event=None):
    stop = stop_event if stop_event is not None else threading.Event()

    def loop():
        took = 0.0
        while not stop.wait(max(0.0, interval - took)):
            t0 = perf_counter()
            callback()
            took = perf_counter() - t0

    t = threading.Thread(target=loop, name=f"heartbeat-{interval}")
    t.daemon = True
    t.start()
    return t
