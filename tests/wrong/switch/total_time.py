# catches: the time from the first beat to the last, not the longest gap between two beats
# fails: test_long_interval_gives_longer_gaps, test_blocking_work_lets_the_heartbeat_run
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
    return beats[-1] - beats[0]  # how long the heartbeat ran, not its longest gap
