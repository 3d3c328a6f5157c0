"""The switch interval: how long a CPU-bound thread may keep the GIL while
another thread waits for it."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def switch_interval(seconds: float) -> Iterator[float]:
    """Set ``sys.setswitchinterval(seconds)`` for the ``with`` block; restore the
    previous interval afterwards, also when the block raises."""
    if seconds <= 0:
        raise ValueError(f"the switch interval must be positive, not {seconds!r}")
    old = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield seconds
    finally:
        sys.setswitchinterval(old)


def max_heartbeat_gap(work: Callable[[], object], period: float = 0.001) -> float:
    """Run ``work()`` in this thread while another thread beats every ``period``
    seconds; return the longest gap between two consecutive beats."""
    beats: list[float] = []
    first = threading.Event()
    stop = threading.Event()

    def heartbeat() -> None:
        while True:
            beats.append(time.perf_counter())
            first.set()
            if stop.is_set():
                return  # one last beat after work() ended
            time.sleep(period)

    ticker = threading.Thread(target=heartbeat, name="heartbeat", daemon=True)
    ticker.start()
    first.wait()
    try:
        work()
    finally:
        stop.set()
        ticker.join()
    return max((b - a for a, b in zip(beats, beats[1:], strict=False)), default=0.0)
