# catches: `.get()` right after each `apply_async` (serial: intervals never overlap)
# fails: test_tasks_run_in_parallel, test_two_workers_run_tasks_at_the_same_time
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
    result = {}
    with Pool(workers) as pool:
        for path in list_files(topdir):
            result[path] = pool.apply_async(func, (path,)).get()  # waits before the next one
    return result
