# catches: a swallowed CancelledError (except BaseException while waiting takes the timeout's and the caller's cancellation for a failed request)
# fails: test_timeout_cancellation_not_swallowed, test_caller_cancellation_propagates, test_timeout_raises_timeout_error
"""Right but for one word: `except BaseException` "to catch every failure" also
catches the CancelledError that asyncio.timeout (or the caller) throws in, and
carries on waiting for the next reply."""

import asyncio


async def first_reply(requests, timeout):
    tasks = [asyncio.create_task(request()) for request in requests]
    try:
        async with asyncio.timeout(timeout):
            error = None
            for next_done in asyncio.as_completed(tasks):
                try:
                    return await next_done
                except BaseException as exc:
                    error = exc
            raise error
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
