"""Correct: asyncio.wait(FIRST_COMPLETED) in a loop against a deadline on
the loop's clock, instead of asyncio.timeout and as_completed."""

import asyncio


async def first_reply(requests, timeout):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    pending = {asyncio.create_task(request()) for request in requests}
    last_error = None
    try:
        while pending:
            left = deadline - loop.time()
            if left <= 0:
                break
            done, pending = await asyncio.wait(pending, timeout=left,
                                               return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task.exception() is None:
                    return task.result()
                last_error = task.exception()
        if not pending and last_error is not None:
            raise last_error
        raise TimeoutError(f"no reply within {timeout} s")
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
