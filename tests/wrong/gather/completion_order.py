# catches: results in completion order, not in the order of the keys
# fails: test_results_in_input_order_when_later_keys_finish_first, test_results_in_input_order
"""Concurrent, limited, cancels on error: but each result is appended as its
fetch finishes, so a fast later key comes before a slow earlier one."""

import asyncio


async def fetch_all(keys, fetch, limit=None):
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1")
    slots = asyncio.Semaphore(limit) if limit is not None else None
    results = []

    async def one(key):
        if slots is None:
            results.append(await fetch(key))
            return
        async with slots:
            results.append(await fetch(key))

    try:
        async with asyncio.TaskGroup() as tg:
            for key in keys:
                tg.create_task(one(key))
    except ExceptionGroup as group:
        raise group.exceptions[0] from None
    return results
