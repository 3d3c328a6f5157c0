"""Measure the GIL: how many CPUs do n CPU-bound workers use at once, in
threads and in processes?

Replace the ``raise NotImplementedError`` with your code; see README.md.
"""

from __future__ import annotations

import multiprocessing  # noqa: F401 - you will need it
import threading  # noqa: F401 - you will need it
import time  # noqa: F401 - you will need it
from collections.abc import Callable


def cpu_parallelism(worker: Callable[[], object], n: int, mode: str) -> float:
    """Run ``worker()`` ``n`` times at once, in threads (``mode="threads"``) or in
    processes (``mode="processes"``); return the total CPU time used by the
    workers divided by the wall time of the whole run (start to last join).

    Raises ValueError for any other mode.
    """
    raise NotImplementedError("cpu_parallelism: time the workers' CPU and the run's wall clock")
