"""Timeouts and cancellation: hedged requests, the first reply wins.

Write first_reply (see README.md), then check your work with
`grader check hedge`.
"""

import asyncio  # noqa: F401 - you will need it


async def first_reply(requests, timeout):
    """Start every ``request()`` at once (each is a coroutine function of no
    arguments) and return the first successful result.

    Cancel the other requests and wait until they have finished cancelling
    before returning. Raise ``TimeoutError`` if no request succeeds within
    ``timeout`` seconds (the unfinished ones cancelled, and waited for, first),
    and the last error if all of them fail sooner.
    """
    raise NotImplementedError("first_reply")
