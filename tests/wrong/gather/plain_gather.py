# catches: tasks still running after the function returned or raised (gather does not cancel the others)
# fails: test_failure_cancels_the_others_before_raising, test_failure_cancels_the_others
"""The textbook answer: a semaphore and asyncio.gather. Results, order and limit
are right, but when one fetch raises, gather passes the exception on at once and
the other fetches go on running, with nobody waiting for them."""

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

    return await asyncio.gather(*(one(key) for key in keys))
