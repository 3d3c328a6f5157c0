# catches: tasks still running after the function raised (cancelled, but not finished cancelling)
# fails: test_failure_cancels_the_others_before_raising, test_failure_cancels_the_others
"""gather, and on an error every task is cancelled: but fetch_all raises at once,
before the cancelled tasks have run again to finish cancelling."""

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
    try:
        return await asyncio.gather(*tasks)
    except Exception:
        for task in tasks:
            task.cancel()
        raise
