# catches: a page fetched twice (check-then-add across an await)
# fails: test_no_page_fetched_twice, test_every_reachable_page_once, test_cycles_and_repeated_links
# kind: race
"""Checks `page in seen` when it takes a page off the queue, but adds it to
`seen` only after the fetch: another worker takes the same page meanwhile."""

import asyncio


async def crawl(start, links, workers=4):
    seen = set()
    queue = asyncio.Queue()
    queue.put_nowait(start)

    async def worker():
        while True:
            page = await queue.get()
            if page not in seen:
                found = await links(page)
                seen.add(page)
                for link in found:
                    if link not in seen:
                        queue.put_nowait(link)
            queue.task_done()

    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(worker()) for _ in range(workers)]
        await queue.join()
        for task in tasks:
            task.cancel()
    return seen
