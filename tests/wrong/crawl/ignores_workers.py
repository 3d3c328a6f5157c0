# catches: `workers` ignored (always 4 worker tasks)
# fails: test_workers_share_the_work
"""Right, except that it always starts 4 workers, whatever `workers` says."""

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
        tasks = [tg.create_task(worker()) for _ in range(4)]
        await queue.join()
        for task in tasks:
            task.cancel()
    return seen
