# catches: no timeout (a timeout for each wait, started again after every failure, never ends the call)
# fails: test_timeout_covers_the_whole_call
"""A timeout around each wait for the next reply: every failure starts a new
one, so requests that keep failing keep first_reply waiting past its timeout."""

import asyncio


async def first_reply(requests, timeout):
    tasks = [asyncio.create_task(request()) for request in requests]
    try:
        error = None
        for next_done in asyncio.as_completed(tasks):
            try:
                async with asyncio.timeout(timeout):
                    return await next_done
            except TimeoutError:
                raise
            except Exception as exc:
                error = exc
        raise error
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
