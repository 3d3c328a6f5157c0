"""Sum of squares across processes.

Replace each ``raise NotImplementedError`` with your code; see README.md.
"""

from __future__ import annotations

import multiprocessing  # noqa: F401 - you will need it


def sum_of_squares(start: int, stop: int) -> int:
    """sum(i * i for i in range(start, stop)): the work of one chunk (a top-level
    function, so that a worker process can import it by name)."""
    raise NotImplementedError("sum_of_squares: add up i * i for start <= i < stop")


def parallel_sum_of_squares(n: int, workers: int = 2) -> int:
    """Return sum(i * i for i in range(n)), splitting 0..n-1 into ``workers``
    chunks, each summed in its own worker process."""
    raise NotImplementedError("parallel_sum_of_squares: one chunk of range(n) per process")
