"""GIL contention: how long an I/O-bound thread waits when a CPU-bound thread
runs beside it.

Replace the ``raise NotImplementedError`` with your code; see README.md.
"""

from __future__ import annotations

import socket  # noqa: F401 - you will need it
import statistics  # noqa: F401 - you will need it
import threading  # noqa: F401 - you will need it
import time  # noqa: F401 - you will need it

PAUSE = 0.001  # seconds the client is idle before each request


def io_latency(rounds: int, cpu_hog: bool) -> float:
    """Return the median response time, in seconds, of ``rounds`` one-byte
    echoes over a ``socket.socketpair()`` served by an echo thread, with
    (``cpu_hog=True``) or without a CPU-spinning thread running beside it.

    Every thread you start has ended when this function returns.
    """
    raise NotImplementedError("io_latency: start an echo thread (and a hog), time the echoes")
