# catches: the cleanup of a cancelled request not awaited (one sleep(0) after cancel())
# fails: test_losers_cancelled_when_one_wins, test_cancelled_losers_cleanup_awaited, test_timeout_raises_timeout_error, test_first_success_wins_and_losers_are_cancelled
"""Cancels the losers and yields once so that "the cancellation happens": the
CancelledError reaches them, but their cleanup (which awaits) is not finished."""

import asyncio


async def first_reply(requests, timeout):
    tasks = [asyncio.create_task(request()) for request in requests]
    try:
        async with asyncio.timeout(timeout):
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
        await asyncio.sleep(0)  # let them see the cancellation
