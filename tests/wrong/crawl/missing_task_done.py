# catches: a missing task_done (queue.join() waits forever: a stall)
# fails: test_task_done_for_every_page
# kind: stall
"""Never calls queue.task_done(): queue.join() never returns."""

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

    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(worker()) for _ in range(workers)]
        await queue.join()
        for task in tasks:
            task.cancel()
    return seen
