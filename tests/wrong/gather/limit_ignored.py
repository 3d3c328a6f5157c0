# catches: `limit` ignored
# fails: test_limit_caps_fetches_in_flight, test_limit_with_many_keys, test_loop_never_blocked, test_limit_is_respected
"""Right in every way, except that `limit` only gets checked, never used."""

import asyncio


async def fetch_all(keys, fetch, limit=None):
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1")
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(fetch(key)) for key in keys]
    except ExceptionGroup as group:
        raise group.exceptions[0] from None
    return [task.result() for task in tasks]
