"""Correct: plain tasks and asyncio.wait(FIRST_EXCEPTION) instead of a
TaskGroup; a Semaphore bounds the fetches in flight."""

import asyncio


async def fetch_all(keys, fetch, limit=None):
    gate = asyncio.Semaphore(limit) if limit else None

    async def one(key):
        if gate is None:
            return await fetch(key)
        async with gate:
            return await fetch(key)

    tasks = [asyncio.create_task(one(key)) for key in keys]
    if not tasks:
        return []
    try:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise task.exception()
        return [task.result() for task in tasks]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
