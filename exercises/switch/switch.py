"""The switch interval: how long a CPU-bound thread may keep the GIL while
another thread waits for it.

Replace each ``raise NotImplementedError`` with your code; see README.md.
"""

from __future__ import annotations

import sys  # noqa: F401 - you will need it
import threading  # noqa: F401 - you will need it
import time  # noqa: F401 - you will need it
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def switch_interval(seconds: float) -> Iterator[float]:
    """Set the interpreter's switch interval to ``seconds`` for the ``with``
    block and restore the previous value afterwards, also when the block raises.
    ValueError if ``seconds <= 0``."""
    raise NotImplementedError("switch_interval: save, set, yield, restore")
    yield seconds  # (makes this a generator, as @contextmanager needs)


def max_heartbeat_gap(work: Callable[[], object], period: float = 0.001) -> float:
    """Run ``work()`` in the calling thread while a second thread records a
    "beat" (the time) every ``period`` seconds; return the longest gap, in
    seconds, between two consecutive beats."""
    raise NotImplementedError("max_heartbeat_gap: a heartbeat thread, work(), stop, join")
