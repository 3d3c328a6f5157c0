"""Load beside a benchmark: CPU hogs and memory hogs, ended with it."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterable, Iterator

HOGS = {
    "cpu": "while True: pass",
    # rewrites every page of a large block, over and over: resident memory and
    # memory-bandwidth pressure
    "mem": ("b = bytearray({mb} << 20)\nwhile True:\n"
            "    for i in range(0, len(b), 4096): b[i] = (b[i] + 1) & 255"),
}


@contextlib.contextmanager
def beside(kinds: Iterable[str], mb: int = 2048) -> Iterator[list[subprocess.Popen[bytes]]]:
    """One hog process per kind (``cpu``, ``mem``: ``mb`` MiB) for the length of the block."""
    hogs = [subprocess.Popen([sys.executable, "-c", HOGS[kind].format(mb=mb)]) for kind in kinds]
    try:
        yield hogs
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
