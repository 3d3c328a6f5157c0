# catches: stopping when the queue looks empty while a worker is still fetching (task_done before the fetch: join() returns too soon, pages missed)
# fails: test_waits_for_the_fetch_in_flight, test_waits_for_fetches_in_flight, test_waits_for_a_slow_fetch, test_every_reachable_page_once
"""Marks the page done as soon as it is taken off the queue: queue.join()
returns while its fetch is still in flight, before its links are queued."""

import asyncio


async def crawl(start, links, workers=4):
    seen = {start}
    queue = asyncio.Queue()
    queue.put_nowait(start)

    async def worker():
        while True:
            page = await queue.get()
            queue.task_done()
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
