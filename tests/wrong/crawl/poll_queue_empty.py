# catches: stopping when the queue looks empty while a worker is still fetching (polling queue.empty(): pages missed)
# fails: test_waits_for_fetches_in_flight, test_waits_for_a_slow_fetch
"""Waits for the work to end by polling queue.empty(): the queue is empty while
a worker is still fetching the last page taken off it."""

import asyncio


async def crawl(start, links, workers=4):
    seen = {start}
    queue = asyncio.Queue()
    queue.put_nowait(start)

    async def worker():
        while True:
            page = await queue.get()
            for link in await links(page):
                if link not in seen:
                    seen.add(link)
                    queue.put_nowait(link)
            queue.task_done()

    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(worker()) for _ in range(workers)]
        await asyncio.sleep(0.05)  # let the workers start
        while not queue.empty():
            await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()
    return seen
