"""Hash every file of a directory tree in parallel with a multiprocessing.Pool
(after D. Beazley's poolmp.py, in Python 3.11)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from multiprocessing import Pool

CHUNK = 64 * 1024


def compute_digest(path: str) -> str:
    """SHA-512 hex digest of the file at ``path``, read in chunks."""
    h = hashlib.sha512()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def digest_tree(topdir: str, workers: int = 2,
                func: Callable[[str], object] = compute_digest) -> dict[str, object]:
    """Map every file under ``topdir`` to ``func(path)``, computed by a pool of
    ``workers`` processes."""
    paths = [os.path.join(dirpath, name)
             for dirpath, _dirs, files in os.walk(topdir)
             for name in files]
    with Pool(workers) as pool:
        results = pool.map(func, paths)
    return dict(zip(paths, results, strict=True))
