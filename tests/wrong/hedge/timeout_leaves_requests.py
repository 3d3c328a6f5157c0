# catches: the losers not cancelled (on a timeout: wait_for cancels the waiting, not the requests)
# fails: test_timeout_raises_timeout_error, test_timeout_after_some_failures_raises_timeout_error
"""The winner's losers are cancelled and awaited, but the timeout comes from
asyncio.wait_for around the race: it cancels the race, not the request tasks,
which run on after TimeoutError."""

import asyncio


async def _race(tasks):
    error = None
    for next_done in asyncio.as_completed(tasks):
        try:
            result = await next_done
        except Exception as exc:
            error = exc
            continue
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return result
    raise error


async def first_reply(requests, timeout):
    tasks = [asyncio.create_task(request()) for request in requests]
    return await asyncio.wait_for(_race(tasks), timeout)
