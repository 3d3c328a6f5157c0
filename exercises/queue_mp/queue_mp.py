"""Worker processes fed by a multiprocessing.JoinableQueue.

Replace the ``raise NotImplementedError`` with your code; see README.md.
"""

from __future__ import annotations

import multiprocessing  # noqa: F401 - you will need it
from collections.abc import Callable, Iterable


def process_all(items: Iterable[object], handler: Callable[[object], object],
                n_workers: int = 2) -> list:
    """Return ``[handler(item) for item in items]``, computed by ``n_workers``
    worker processes that take the items from a ``JoinableQueue``.

    The results are in the order of ``items``. If ``handler`` raises for an
    item, that exception is raised here. Every worker has ended when this
    function returns (or raises).
    """
    raise NotImplementedError("process_all: start workers, feed them a JoinableQueue, collect")
