"""Correct, another style: submit every task with apply_async first, then
collect the AsyncResults; close() and join() the pool by hand."""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Callable
from pathlib import Path


def compute_digest(path: str) -> str:
    h = hashlib.sha512()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def digest_tree(topdir: str, workers: int = 2,
                func: Callable[[str], object] = compute_digest) -> dict[str, object]:
    paths = [str(p) for p in sorted(Path(topdir).rglob("*")) if p.is_file()]
    pool = multiprocessing.Pool(processes=workers)
    try:
        pending = {path: pool.apply_async(func, (path,)) for path in paths}
        pool.close()
        return {path: result.get() for path, result in pending.items()}
    finally:
        pool.terminate()
        pool.join()
