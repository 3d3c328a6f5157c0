# catches: the pool left open
# fails: test_pool_is_closed_after_return
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

from multiprocessing import Pool

CHUNK = 64 * 1024


def compute_digest(path: str) -> str:
    h = hashlib.sha512()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def list_files(topdir: str) -> list[str]:
    return [os.path.join(d, n) for d, _, files in os.walk(topdir) for n in files]


def digest_tree(topdir: str, workers: int = 2,
                func: Callable[[str], object] = compute_digest) -> dict[str, object]:
    paths = list_files(topdir)
    pool = Pool(workers)  # never closed: relies on the garbage collector
    return dict(zip(paths, pool.map(func, paths)))
