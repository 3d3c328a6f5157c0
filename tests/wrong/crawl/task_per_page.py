# catches: a task per page instead of `workers` tasks sharing a queue (every link fetched at once)
# fails: test_workers_share_the_work
"""No queue and no workers: a new task for every link found, all at once."""

import asyncio


async def crawl(start, links, workers=4):
    seen = {start}

    async def visit(page, tg):
        for link in await links(page):
            if link not in seen:
                seen.add(link)
                tg.create_task(visit(link, tg))

    async with asyncio.TaskGroup() as tg:
        tg.create_task(visit(start, tg))
    return seen
