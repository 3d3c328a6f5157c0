"""asyncio: fetch many keys concurrently, at most `limit` at once.

Reference solution.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any


async def fetch_all(keys: Iterable[Any], fetch: Callable[[Any], Awaitable[Any]],
                    limit: int | None = None) -> list[Any]:
    """``await fetch(key)`` for every key concurrently, at most ``limit`` in
    flight when given; the results in the order of ``keys``. If a fetch raises,
    the others are cancelled (and have finished) before its exception propagates."""
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1 (or None), not {limit!r}")
    slots = asyncio.Semaphore(limit) if limit is not None else None

    async def one(key: Any) -> Any:
        if slots is None:
            return await fetch(key)
        async with slots:
            return await fetch(key)

    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(one(key)) for key in keys]
    except ExceptionGroup as group:  # the TaskGroup has cancelled and awaited the rest
        raise group.exceptions[0] from None
    return [task.result() for task in tasks]
