# catches: workers that quit when the queue looks empty (at the start it is empty for all but one: the work is done one page at a time)
# fails: test_workers_share_the_work
"""Each worker loops `while not queue.empty()`: the first one takes the start
page, the others find the queue empty and quit at once."""

import asyncio


async def crawl(start, links, workers=4):
    seen = {start}
    queue = asyncio.Queue()
    queue.put_nowait(start)

    async def worker():
        while not queue.empty():
            page = await queue.get()
            for link in await links(page):
                if link not in seen:
                    seen.add(link)
                    queue.put_nowait(link)
            queue.task_done()

    await asyncio.gather(*(worker() for _ in range(workers)))
    return seen
