"""Task functions for the ``gil`` exercise: a worker whose CPU time and wall
time are known, logged to a folder so the test sees every run, also from
other processes (one small file per run, no shared pipe or lock needed)."""

from __future__ import annotations

import os
import threading
import time
import uuid
from typing import NamedTuple


class Run(NamedTuple):
    pid: int
    start: float  # time.monotonic(): one clock for every process of the machine
    end: float
    cpu: float  # thread_time() this run used


def spin_then_sleep(spin: float, sleep: float, log_dir: str) -> None:
    """Burn ``spin`` s of this thread's CPU time, then sleep ``sleep`` s
    (the GIL released); write a line ``pid start end cpu`` to a new file in ``log_dir``."""
    start = time.monotonic()
    cpu0 = time.thread_time()
    end_cpu = cpu0 + spin
    while time.thread_time() < end_cpu:
        pass
    cpu = time.thread_time() - cpu0
    if sleep > 0:
        time.sleep(sleep)
    end = time.monotonic()
    name = f"{os.getpid()}-{threading.get_ident()}-{uuid.uuid4().hex}.run"
    with open(os.path.join(log_dir, name), "w") as f:
        f.write(f"{os.getpid()} {start!r} {end!r} {cpu!r}\n")


def read_runs(log_dir: str) -> list[Run]:
    runs = []
    for name in sorted(os.listdir(log_dir)):
        if name.endswith(".run"):
            with open(os.path.join(log_dir, name)) as f:
                pid, start, end, cpu = f.read().split()
            runs.append(Run(int(pid), float(start), float(end), float(cpu)))
    return runs
