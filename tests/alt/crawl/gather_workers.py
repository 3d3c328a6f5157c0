"""Correct: workers started as plain tasks, queue.join() for the end, then
the workers cancelled and gathered (their CancelledError collected)."""

import asyncio


async def crawl(start, links, workers=4):
    queue = asyncio.Queue()
    seen = set()

    def offer(page):
        if page not in seen:
            seen.add(page)
            queue.put_nowait(page)

    async def worker():
        while True:
            page = await queue.get()
            try:
                for link in await links(page):
                    offer(link)
            finally:
                queue.task_done()

    offer(start)
    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        joined = asyncio.create_task(queue.join())
        done, _ = await asyncio.wait([joined, *tasks], return_when=asyncio.FIRST_COMPLETED)
        if joined not in done:  # a worker failed before the work was done
            joined.cancel()
            for task in done:
                task.result()
        return seen
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
