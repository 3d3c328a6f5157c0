"""asyncio: fetch many keys concurrently, at most `limit` at once.

Write fetch_all (see README.md), then check your work with `grader check gather`.
"""

import asyncio  # noqa: F401 - you will need it


async def fetch_all(keys, fetch, limit=None):
    """``await fetch(key)`` for every key in ``keys``, all at once (at most
    ``limit`` in flight at any moment when ``limit`` is given); return the
    results as a list in the order of ``keys``.

    If a fetch raises, cancel the others, wait until they have finished
    cancelling, then raise that fetch's exception (itself, not an ExceptionGroup).
    """
    raise NotImplementedError("fetch_all")
