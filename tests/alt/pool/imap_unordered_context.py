"""Correct, another style: an explicit start-method context, imap_unordered
with a chunksize, and a top-level helper that returns (path, value) pairs."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable

CHUNK = 1 << 20


def compute_digest(path: str) -> str:
    h = hashlib.sha512()
    with open(path, "rb", buffering=0) as f:
        buf = bytearray(CHUNK)
        view = memoryview(buf)
        while n := f.readinto(buf):
            h.update(view[:n])
    return h.hexdigest()


def _pair(job: tuple[Callable[[str], object], str]) -> tuple[str, object]:
    func, path = job
    return path, func(path)


def digest_tree(topdir: str, workers: int = 2,
                func: Callable[[str], object] = compute_digest) -> dict[str, object]:
    jobs = [(func, os.path.join(d, n)) for d, _, names in os.walk(topdir) for n in names]
    ctx = multiprocessing.get_context()  # whatever start method is set
    with ctx.Pool(workers) as pool:
        chunksize = max(1, len(jobs) // (4 * workers))  # a few tasks per message
        return dict(pool.imap_unordered(_pair, jobs, chunksize=chunksize))
