# catches: a swallowed CancelledError (a wrapper around each request turns its cancellation into an ordinary failure)
# fails: test_timeout_raises_timeout_error, test_timeout_after_some_failures_raises_timeout_error
"""Each request runs in a wrapper that catches everything, CancelledError
included, and reports it as a failure; the timeout cancels the wrappers. When
it expires, the "last error" is a CancelledError, and first_reply raises that."""

import asyncio


async def _attempt(request):
    try:
        return True, await request()
    except BaseException as exc:
        return False, exc


async def first_reply(requests, timeout):
    tasks = [asyncio.create_task(_attempt(request)) for request in requests]
    timer = asyncio.get_running_loop().call_later(
        timeout, lambda: [task.cancel() for task in tasks])
    error = None
    for next_done in asyncio.as_completed(tasks):
        ok, value = await next_done
        if ok:
            timer.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks)
            return value
        error = value
    timer.cancel()
    raise error
