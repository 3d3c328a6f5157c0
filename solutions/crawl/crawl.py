"""A web crawler on asyncio: a fixed pool of worker tasks shares an asyncio.Queue."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable


async def crawl(start: str, links: Callable[[str], Awaitable[Iterable[str]]],
                workers: int = 4) -> set[str]:
    """Every page reachable from ``start``; ``await links(page)`` gives a page's
    links. ``workers`` tasks share the queue; each page is fetched once."""
    seen = {start}
    queue: asyncio.Queue[str] = asyncio.Queue()
    queue.put_nowait(start)

    async def worker() -> None:
        while True:
            page = await queue.get()
            for link in await links(page):
                if link not in seen:  # check and add with no await in between
                    seen.add(link)
                    queue.put_nowait(link)
            queue.task_done()

    async with asyncio.TaskGroup() as tg:  # a failing worker cancels the rest
        tasks = [tg.create_task(worker()) for _ in range(workers)]
        await queue.join()  # every page put has been fetched and its links queued
        for task in tasks:
            task.cancel()  # the TaskGroup waits until they have finished cancelling
    return seen
