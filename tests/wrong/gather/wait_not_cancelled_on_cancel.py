# catches: tasks still running after the function raised (fetch_all cancelled: its tasks go on)
# fails: test_cancelling_fetch_all_cancels_its_fetches
"""asyncio.wait(FIRST_EXCEPTION), and on an error the rest are cancelled and
awaited. But when fetch_all itself is cancelled, asyncio.wait() does not cancel
the tasks it waits for: they go on running after fetch_all has ended."""

import asyncio


async def fetch_all(keys, fetch, limit=None):
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1")
    slots = asyncio.Semaphore(limit) if limit is not None else None

    async def one(key):
        if slots is None:
            return await fetch(key)
        async with slots:
            return await fetch(key)

    tasks = [asyncio.create_task(one(key)) for key in keys]
    if not tasks:
        return []
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception() is not None:
            raise task.exception()
    return [task.result() for task in tasks]
