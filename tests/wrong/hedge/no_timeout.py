# catches: no timeout (waits for ever when no request replies)
# fails: test_timeout_raises_timeout_error, test_timeout_covers_the_whole_call, test_timeout_cancellation_not_swallowed, test_timeout_after_some_failures_raises_timeout_error
# kind: stall
"""Everything right except the timeout, which is never used."""

import asyncio


async def first_reply(requests, timeout):
    tasks = [asyncio.create_task(request()) for request in requests]
    try:
        error = None
        for next_done in asyncio.as_completed(tasks):
            try:
                return await next_done
            except Exception as exc:
                error = exc
        raise error
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
