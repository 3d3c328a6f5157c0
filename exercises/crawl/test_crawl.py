"""Public tests for the crawl exercise. Run them with `grader check crawl`
(or `pytest` in this folder).

The "web" is a dict: page -> the pages it links to. `links(page)` is the
test's own coroutine function: it waits a little (a simulated fetch), then
returns the page's links, counting how often each page was fetched and how
many fetches were in flight at once.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from crawl import crawl

from grader.testing.aio import Intervals, assert_concurrent, run_async

TIMEOUT = 2.0  # seconds; a right crawl takes well under half a second here


class Web:
    def __init__(self, graph, delay=0.01):
        self.graph = graph
        self.delay = delay
        self.fetched = Counter()
        self.rec = Intervals()
        self.links = self.rec.wrap(self._links)

    async def _links(self, page):
        self.fetched[page] += 1
        await asyncio.sleep(self.delay)
        return list(self.graph.get(page, []))


def run_crawl(web, start, workers):
    result = run_async(crawl, start, web.links, workers=workers, timeout=TIMEOUT,
                       what=f"crawl({start!r}, links, workers={workers})")
    twice = sorted(page for page, n in web.fetched.items() if n > 1)
    assert not twice, (
        f"pages fetched more than once: {twice}. Check and add a page to `seen` in one "
        "step, with no await in between, before it goes on the queue.")
    return result


def test_small_site_with_a_cycle():
    graph = {
        "home": ["about", "blog"],
        "about": ["home"],                   # a cycle
        "blog": ["post1", "post2", "blog"],  # a link to itself
        "post1": ["post2"],
        "post2": ["home"],
        "secret": ["home"],                  # nobody links to it
    }
    web = Web(graph)
    result = run_crawl(web, "home", workers=2)
    assert result == {"home", "about", "blog", "post1", "post2"}
    assert set(web.fetched) == result


def test_start_page_without_links():
    web = Web({})
    assert run_crawl(web, "lonely", workers=3) == {"lonely"}
    assert web.fetched == Counter({"lonely": 1})


@pytest.mark.lesson
def test_waits_for_the_fetch_in_flight():
    # A chain: each page's only link is the next page. While a page is fetched,
    # the queue is empty, yet the crawl is not finished.
    graph = {"home": ["a"], "a": ["b"], "b": ["c"], "c": ["d"]}
    web = Web(graph, delay=0.03)
    result = run_crawl(web, "home", workers=4)
    assert result == {"home", "a", "b", "c", "d"}, (
        f"crawl returned {sorted(result)}: it stopped while a page was still being "
        "fetched (the queue was empty, but that page's links were still to come). "
        "Wait with `await queue.join()` and call `queue.task_done()` only after the "
        "page's links are on the queue.")


def test_workers_share_the_work():
    graph = {"home": [f"p{i}" for i in range(10)]}
    web = Web(graph)
    result = run_crawl(web, "home", workers=3)
    assert result == {"home", *graph["home"]}
    assert web.rec.peak <= 3, (
        f"{web.rec.peak} fetches were in flight at once with workers=3: start exactly "
        "`workers` worker tasks, each fetching one page at a time")
    assert_concurrent(web.rec, "crawl with workers=3 on a page with 10 links")
