# catches: `limit` ignored (a new semaphore per fetch limits nothing)
# fails: test_limit_caps_fetches_in_flight, test_limit_with_many_keys, test_loop_never_blocked, test_limit_is_respected
"""An asyncio.Semaphore(limit), but a new one inside each fetch's coroutine:
every fetch has a semaphore of its own, so none ever waits."""

import asyncio


async def fetch_all(keys, fetch, limit=None):
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1")

    async def one(key):
        if limit is None:
            return await fetch(key)
        async with asyncio.Semaphore(limit):
            return await fetch(key)

    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(one(key)) for key in keys]
    except ExceptionGroup as group:
        raise group.exceptions[0] from None
    return [task.result() for task in tasks]
