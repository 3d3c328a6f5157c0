"""Timeouts and cancellation: hedged requests, the first reply wins.

Reference solution.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

Request = Callable[[], Coroutine[Any, Any, Any]]  # a coroutine function of no arguments


async def first_reply(requests: Sequence[Request], timeout: float) -> Any:
    """Start every ``request()`` at once and return the first successful result.

    The other requests are cancelled, and awaited until they have finished
    cancelling, before this returns or raises. Raises ``TimeoutError`` if none
    succeeds within ``timeout`` seconds, and the last error if all fail sooner.
    """
    if not requests:
        raise ValueError("first_reply needs at least one request")
    tasks = [asyncio.create_task(request()) for request in requests]
    try:
        async with asyncio.timeout(timeout):
            errors: list[Exception] = []
            for next_done in asyncio.as_completed(tasks):  # in the order they finish
                try:
                    return await next_done
                except Exception as exc:  # that request failed: wait for the next one
                    errors.append(exc)
            raise errors[-1]
    finally:
        for task in tasks:
            task.cancel()  # no effect on the tasks that have finished already
        # Cancelling only asks: wait until every task has run its cleanup and ended.
        await asyncio.gather(*tasks, return_exceptions=True)
