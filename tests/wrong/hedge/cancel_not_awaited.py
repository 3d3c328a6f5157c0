# catches: the cleanup of a cancelled request not awaited (cancel() and return at once)
# fails: test_losers_cancelled_when_one_wins, test_cancelled_losers_cleanup_awaited, test_timeout_raises_timeout_error, test_first_success_wins_and_losers_are_cancelled
"""Cancels the losers but does not wait for them: task.cancel() only asks, so they
are still running (and cleaning up) when first_reply returns."""

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
