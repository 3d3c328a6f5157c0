# catches: worker tasks never cancelled (still pending when crawl returns)
# fails: test_no_task_left_pending
"""Right until the end: once queue.join() returns, the workers are left
waiting on queue.get() forever."""

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

    for _ in range(workers):
        asyncio.create_task(worker())
    await queue.join()
    return seen
