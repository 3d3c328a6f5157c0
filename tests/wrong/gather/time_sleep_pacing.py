# catches: `time.sleep` or another blocking call in a coroutine (the loop is blocked)
# fails: test_loop_never_blocked, test_all_fetches_in_flight_at_once, test_fetches_run_at_once
# kind: blocked-loop
"""A TaskGroup and a semaphore, right in every way, but it "spaces out" the
requests with time.sleep between creating the tasks: the tasks do not even start
until the loop is free again, and meanwhile the whole loop stands still."""

import asyncio
import time

PACING = 0.1  # seconds between two requests, "to be gentle with the server"


async def fetch_all(keys, fetch, limit=None):
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1")
    slots = asyncio.Semaphore(limit) if limit is not None else None

    async def one(key):
        if slots is None:
            return await fetch(key)
        async with slots:
            return await fetch(key)

    try:
        async with asyncio.TaskGroup() as tg:
            tasks = []
            for key in keys:
                tasks.append(tg.create_task(one(key)))
                time.sleep(PACING)
    except ExceptionGroup as group:
        raise group.exceptions[0] from None
    return [task.result() for task in tasks]
