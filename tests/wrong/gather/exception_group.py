# catches: the exception that propagates is an ExceptionGroup, not the fetch's own exception
# fails: test_failure_cancels_the_others_before_raising, test_fetch_exception_propagates_itself, test_failure_cancels_the_others
"""A TaskGroup and a semaphore, right in every way, except that a fetch's error
comes out wrapped in the TaskGroup's ExceptionGroup."""

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

    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(one(key)) for key in keys]
    return [task.result() for task in tasks]
