# catches: worker tasks never cancelled (the TaskGroup waits for workers that wait on queue.get() for ever: a stall)
# fails: test_no_task_left_pending
"""Waits for queue.join(), then leaves the TaskGroup's block without
cancelling the workers: the TaskGroup waits for them for ever."""

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
        for _ in range(workers):
            tg.create_task(worker())
        await queue.join()
    return seen
