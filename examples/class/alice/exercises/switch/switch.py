"""switch_interval as a class with __enter__/__exit__; the heartbeat is a
Thread subclass that waits on an Event with a timeout."""

import sys
import threading
import time


class switch_interval:  # noqa: N801 - the API name
    def __init__(self, seconds):
        if not seconds > 0:
            raise ValueError("seconds must be > 0")
        self.seconds = seconds
        self.saved = []

    def __enter__(self):
        self.saved.append(sys.getswitchinterval())
        sys.setswitchinterval(self.seconds)
        return self.seconds

    def __exit__(self, exc_type, exc, tb):
        sys.setswitchinterval(self.saved.pop())
        return False


class _Heartbeat(threading.Thread):
    def __init__(self, period):
        super().__init__(daemon=True)
        self.period = period
        self.halt = threading.Event()
        self.started_beating = threading.Event()
        self.times = []

    def run(self):
        self.times.append(time.monotonic())
        self.started_beating.set()
        while not self.halt.wait(self.period):
            self.times.append(time.monotonic())
        self.times.append(time.monotonic())


def max_heartbeat_gap(work, period=0.001):
    hb = _Heartbeat(period)
    hb.start()
    hb.started_beating.wait()
    try:
        work()
    finally:
        hb.halt.set()
        hb.join()
    gaps = [later - earlier for earlier, later in zip(hb.times, hb.times[1:])]
    print(f"{len(hb.times)} beats, longest gap {max(gaps, default=0.0) * 1000:.2f} ms")
    return max(gaps, default=0.0)
