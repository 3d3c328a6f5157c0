# catches: a task per page bounded by a Semaphore instead of `workers` tasks sharing a queue
# fails: test_workers_share_the_work
"""At most `workers` fetches at once, but a new task for every page, not a
fixed pool of worker tasks fed by a queue."""

import asyncio


async def crawl(start, links, workers=4):
    seen = {start}
    limit = asyncio.Semaphore(workers)

    async def visit(page, tg):
        async with limit:
            found = await links(page)
        for link in found:
            if link not in seen:
                seen.add(link)
                tg.create_task(visit(link, tg))

    async with asyncio.TaskGroup() as tg:
        tg.create_task(visit(start, tg))
    return seen
