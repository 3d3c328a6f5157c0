# catches: a lambda or closure (pickling error)
# fails: test_digest_tree_under_start_method
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

_func = None


def _call(path: str):
    return path, _func(path)


def digest_tree(topdir: str, workers: int = 2,
                func: Callable[[str], object] = compute_digest) -> dict[str, object]:
    def install():  # a closure: works with fork (nothing pickled), fails with spawn/forkserver
        global _func
        _func = func

    paths = list_files(topdir)
    with Pool(workers, initializer=install) as pool:
        return dict(pool.map(_call, paths))
