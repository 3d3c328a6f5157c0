# catches: the losers not cancelled (still running after first_reply returned)
# fails: test_losers_cancelled_when_one_wins, test_cancelled_losers_cleanup_awaited, test_timeout_raises_timeout_error, test_first_success_wins_and_losers_are_cancelled
"""Returns the first success (or raises on the timeout) and leaves the other
tasks alone: nobody cancels them, and they run on after first_reply is done."""

import asyncio


async def first_reply(requests, timeout):
    tasks = [asyncio.create_task(request()) for request in requests]
    async with asyncio.timeout(timeout):
        error = None
        for next_done in asyncio.as_completed(tasks):
            try:
                return await next_done
            except Exception as exc:
                error = exc
        raise error
