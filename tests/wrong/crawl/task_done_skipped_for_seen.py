# catches: a missing task_done (none for a page skipped as already seen: queue.join() waits forever)
# fails: test_task_done_for_every_page, test_no_page_fetched_twice
# kind: stall
"""Queues every link and skips the ones already fetched when it takes them off
the queue, but `continue`s past task_done() for them: join() never returns."""

import asyncio


async def crawl(start, links, workers=4):
    seen = set()
    queue = asyncio.Queue()
    queue.put_nowait(start)

    async def worker():
        while True:
            page = await queue.get()
            if page in seen:
                continue
            seen.add(page)
            for link in await links(page):
                queue.put_nowait(link)
            queue.task_done()

    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(worker()) for _ in range(workers)]
        await queue.join()
        for task in tasks:
            task.cancel()
    return seen
