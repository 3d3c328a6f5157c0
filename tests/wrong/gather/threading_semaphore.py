# catches: `time.sleep` or another blocking call in a coroutine (a threading.Semaphore holds the loop)
# fails: test_loop_never_blocked, test_limit_caps_fetches_in_flight, test_limit_with_many_keys, test_limit_is_respected
# kind: blocked-loop
"""The limiter of the thread parts, reused: a threading.BoundedSemaphore around
each fetch. Once `limit` fetches hold a slot, the next acquire() blocks the
event loop's one thread, and the fetches that would release a slot never run again."""

import asyncio
import threading


async def fetch_all(keys, fetch, limit=None):
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1")
    slots = threading.BoundedSemaphore(limit) if limit is not None else None

    async def one(key):
        if slots is None:
            return await fetch(key)
        with slots:
            return await fetch(key)

    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(one(key)) for key in keys]
    except ExceptionGroup as group:
        raise group.exceptions[0] from None
    return [task.result() for task in tasks]
