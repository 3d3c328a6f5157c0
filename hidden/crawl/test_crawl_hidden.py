"""Hidden tests for the crawl exercise (a crawler: worker tasks sharing an asyncio.Queue).

The "web" is a dict: page -> the pages it links to. The test's own coroutine
function `links(page)` looks the page up after a short simulated fetch
(`asyncio.sleep`), counts how often each page was fetched and by which task,
and records every call (grader.testing.aio.Intervals: what was in flight at
once, by the order of events). A page fetched a second time gets no links back,
so a crawl that fetches again still comes to an end and the test can say so.

Every verdict is structural, never a wall-clock bound:
- pages missed: a chain of pages (each page's only link is the next one) keeps
  the queue empty while the one fetch in flight has its link still to come;
- a page fetched twice: many pages linked from many others, and `await_points`
  makes every fetch first yield to the loop (seeded), so a check-then-add across
  that await meets another worker every run;
- tasks left pending: run_async's leftover check;
- a missing task_done: queue.join() never returns, every task waits: a stall
  (run_async names it);
- the worker pool: the most fetches in flight at once, and the tasks that fetched.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import replace

import pytest
from crawl import crawl

from grader.runner.protocol import Status
from grader.testing import RaceFound
from grader.testing.aio import Diagnosed, Intervals, assert_concurrent, await_points, run_async

TIMEOUT = 2.0   # seconds before run_async looks for a stall (a right crawl takes < 0.5 s)
FETCH = 0.01    # seconds a simulated fetch takes


class Web:
    """The test's link graph and its `links` coroutine function, recorded."""

    def __init__(self, graph: dict[str, list[str]], delay: float = FETCH,
                 yields: bool = False, slow: dict[str, float] | None = None,
                 broken: str | None = None) -> None:
        self.graph = graph
        self.delay = delay
        self.slow = slow or {}
        self.broken = broken
        self.fetched: Counter[str] = Counter()
        self.fetchers: set[asyncio.Task[object] | None] = set()  # the tasks that fetched
        self.rec = Intervals()
        fetch = await_points(self._links) if yields else self._links
        self.links = self.rec.wrap(fetch)
        self.running_at_return: list[str] = []
        self.cancelled_at_return: list[str] = []

    async def _links(self, page: str) -> list[str]:
        self.fetched[page] += 1
        self.fetchers.add(asyncio.current_task())
        if self.fetched[page] > 1:
            return []  # fetched again: no links this time, so the crawl still ends
        await asyncio.sleep(self.slow.get(page, self.delay))
        if page == self.broken:
            raise PageError(f"links({page!r}) failed (the test's error)")
        return list(self.graph.get(page, []))

    def reachable(self, start: str) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            for link in self.graph.get(todo.pop(), []):
                if link not in seen:
                    seen.add(link)
                    todo.append(link)
        return seen


class PageError(Exception):
    """The error a broken page's fetch raises."""


async def _crawl_and_look(web: Web, start: str, workers: int | None) -> object:
    if workers is None:
        result = await crawl(start, web.links)
    else:
        result = await crawl(start, web.links, workers=workers)
    web.running_at_return = [call.key for call in web.rec.running()]
    web.cancelled_at_return = list(web.rec.cancelled())
    return result


def run_crawl(web: Web, start: str, workers: int | None = 4) -> set[str]:
    """crawl(start, web.links, workers) under run_async; a page fetched twice is
    reported as a race even when the crawl then failed or hung."""
    try:
        result = run_async(_crawl_and_look, web, start, workers, timeout=TIMEOUT,
                           what=f"crawl({start!r}, links, workers={workers})")
    except Exception:
        check_fetched_once(web)
        raise
    check_fetched_once(web)
    assert isinstance(result, set), (
        f"crawl returned {type(result).__name__} {result!r}: it must return a set of pages")
    return result


def check_fetched_once(web: Web) -> None:
    twice = sorted(page for page, n in web.fetched.items() if n > 1)
    if twice:
        raise RaceFound(
            f"page {twice[0]!r} was fetched {web.fetched[twice[0]]} times"
            + (f" ({len(twice)} pages were fetched more than once)" if len(twice) > 1 else "")
            + ": each page must be fetched once. Two workers both saw it was not "
            "seen yet before either added it: a check (`if page not in seen`) and the "
            "add (`seen.add(page)`) with an `await` between them (the fetch) let another "
            "task run in between. Add a link to `seen` in the same step as you check it, "
            "with no await in between (`if link not in seen: seen.add(link); "
            "queue.put_nowait(link)`), before it goes on the queue.")


def check_all_found(web: Web, start: str, result: set[str]) -> None:
    expected = web.reachable(start)
    missing = sorted(expected - result)
    extra = sorted(result - expected)
    never = sorted(expected - set(web.fetched))
    assert not extra, (
        f"crawl returned pages that are not reachable from {start!r}: {extra}")
    if missing or never:
        pages = missing or never
        in_flight = web.running_at_return + web.cancelled_at_return
        why = ""
        if in_flight:
            why = (f" When crawl returned, the fetch of {sorted(set(in_flight))} was still "
                   "in flight (or was cancelled): crawl stopped while a worker was still "
                   "fetching, with the queue empty but that page's links still to come.")
        raise AssertionError(
            f"crawl missed {len(pages)} of the {len(expected)} pages reachable from "
            f"{start!r}: {pages[:8]}{' ...' if len(pages) > 8 else ''}.{why} An empty "
            "queue does not mean the work is done. Wait with `await queue.join()`, and "
            "call `queue.task_done()` only after the page's links are on the queue.")
    assert web.fetched.keys() == expected, (
        f"fetched pages that are not reachable from {start!r}: "
        f"{sorted(set(web.fetched) - expected)}")


def random_web(seed: int, pages: int, out: int) -> dict[str, list[str]]:
    """Every page links to `out` random pages (so most pages are linked from
    several others, and there are cycles); 'island' pages nobody links to."""
    rng = random.Random(seed)
    names = ["home"] + [f"p{i}" for i in range(1, pages)]
    graph = {name: rng.sample(names, out) for name in names}
    graph["island"] = ["home", "island2"]
    graph["island2"] = ["p1"]
    return graph


SERIAL_ADVICE = (
    "Once the start page is fetched there are 10 pages on the queue: work for every "
    "worker, yet one page was fetched at a time. Do your workers quit when they find the "
    "queue empty (it is, at the start, for all but the first)? A worker should wait for "
    "work with `await queue.get()` in a `while True:` loop until it is cancelled.")


# -- every reachable page, exactly once ---------------------------------------------

@pytest.mark.lesson
def test_every_reachable_page_once():
    # Fetches that only yield to the loop (no timer): the whole crawl is quick.
    web = Web(random_web(seed=12, pages=40, out=3), delay=0.0, yields=True)
    result = run_crawl(web, "home")
    check_all_found(web, "home", result)


def test_start_page_without_links():
    for workers in (1, 4):
        web = Web({"lonely": []})
        result = run_crawl(web, "lonely", workers)
        assert result == {"lonely"}, (
            f"crawl('lonely') returned {result!r}, expected {{'lonely'}}: the start page "
            "is part of the result even when it has no links")
        assert web.fetched == Counter({"lonely": 1}), (
            f"links() was called {dict(web.fetched)}: expected once, for the start page")


def test_start_page_not_in_the_web():
    web = Web({"a": ["b"]})
    result = run_crawl(web, "nowhere", workers=2)
    assert result == {"nowhere"}


def test_cycles_and_repeated_links():
    graph = {
        "home": ["a", "a", "home", "b"],     # a link twice, a link to itself
        "a": ["b", "home", "a"],
        "b": ["c", "a"],
        "c": ["home"],                       # back to the start
    }
    web = Web(graph, yields=True)
    result = run_crawl(web, "home", workers=3)
    assert result == {"home", "a", "b", "c"}, (
        f"crawl('home') returned {sorted(result)}, expected ['a', 'b', 'c', 'home'] "
        "(the links form cycles: home -> a -> home, a page links to itself)")
    check_all_found(web, "home", result)


def test_default_four_workers():
    graph = {"home": [f"p{i}" for i in range(10)]}
    web = Web(graph)
    result = run_crawl(web, "home", workers=None)
    assert result == {"home", *graph["home"]}
    assert 2 <= web.rec.peak <= 4, (
        f"with the default workers=4, {web.rec.peak} fetches were in flight at once "
        "(expected 2 to 4)")


# -- the must-catch mistakes --------------------------------------------------------

@pytest.mark.lesson
def test_waits_for_fetches_in_flight():
    # A chain: home -> c1 -> c2 -> ... Each page's only link is found by its fetch,
    # so the queue is empty during every fetch: a crawl that stops when the queue
    # is empty (or whose join() returns before the fetch is finished) misses pages.
    chain = [f"c{i}" for i in range(1, 9)]
    graph = dict(zip(["home", *chain], [[page] for page in chain], strict=False))
    web = Web(graph, delay=0.04)
    result = run_crawl(web, "home", workers=3)
    check_all_found(web, "home", result)


@pytest.mark.lesson
def test_waits_for_a_slow_fetch():
    # Most pages come quickly; one fetch is slow, and only it leads further.
    graph = {"home": ["a", "b", "slow", "c"], "slow": ["deep"], "deep": ["deeper"],
             "a": ["b"], "b": ["c"]}
    web = Web(graph, slow={"slow": 0.2})
    result = run_crawl(web, "home", workers=2)
    check_all_found(web, "home", result)


@pytest.mark.lesson
def test_no_page_fetched_twice():
    # Many pages are linked from many others; every fetch first yields to the loop
    # (await_points), so a check before the fetch and an add after it always meet
    # another worker in between.
    for seed, workers in ((1, 4), (2, 3), (3, 8)):
        web = Web(random_web(seed=seed, pages=30, out=4), delay=0.0, yields=True)
        result = run_crawl(web, "home", workers)
        check_all_found(web, "home", result)


@pytest.mark.lesson
def test_no_task_left_pending():
    # run_async fails the test if a task crawl created is still pending after it
    # returned (its workers, waiting on queue.get() for ever).
    web = Web({"home": ["a", "b"], "a": ["c"], "b": ["c"]})
    try:
        result = run_crawl(web, "home", workers=3)
    except Diagnosed as exc:
        if exc.diagnosis.kind is not Status.STALL:
            raise
        raise Diagnosed(replace(
            exc.diagnosis,
            advice="After `await queue.join()` the workers still wait on `queue.get()` "
            "for ever, and a TaskGroup (or a gather) waits for them at its end. Cancel "
            "each worker (`task.cancel()`) once join() has returned, then let the "
            "TaskGroup wait for them to finish cancelling.")) from None
    assert result == {"home", "a", "b", "c"}
    assert not web.running_at_return, (
        f"crawl returned while links({web.running_at_return[0]!r}) was still running")


@pytest.mark.lesson
def test_task_done_for_every_page():
    # Pages linked from several pages, and a cycle: some links are already seen.
    web = Web({"home": ["a", "b", "c"], "a": ["b", "c", "home"], "b": ["c", "a"],
               "c": ["home", "d"], "d": ["a"]}, yields=True)
    try:
        result = run_crawl(web, "home", workers=2)
    except Diagnosed as exc:
        if exc.diagnosis.kind not in (Status.STALL, Status.DEADLOCK):
            raise
        raise Diagnosed(replace(
            exc.diagnosis,
            advice="queue.join() returns once task_done() has been called once for every "
            "item ever put on the queue. Call queue.task_done() for every page you take "
            "off it, also for one you skip (already seen) or whose fetch failed: "
            "`try: ... finally: queue.task_done()`.")) from None
    assert result == {"home", "a", "b", "c", "d"}


@pytest.mark.lesson
def test_workers_share_the_work():
    # Wide: home links to 10 pages, each of them to one more. After the first fetch
    # there is work for every worker.
    graph: dict[str, list[str]] = {"home": [f"p{i}" for i in range(10)]}
    for i in range(10):
        graph[f"p{i}"] = [f"p{i}x"]
    for workers in (1, 2, 5):
        web = Web(graph)
        result = run_crawl(web, "home", workers)
        check_all_found(web, "home", result)
        assert web.rec.peak <= workers, (
            f"with workers={workers}, {web.rec.peak} fetches were in flight at once "
            f"(in order: {web.rec.story()}). Exactly `workers` tasks should share the "
            "queue, each fetching one page at a time: start `workers` worker tasks, not "
            "one per page, and not a fixed number.")
        assert len(web.fetchers) <= workers, (
            f"with workers={workers}, {len(web.fetchers)} different tasks fetched pages: "
            "crawl must start exactly `workers` worker tasks that take pages off one "
            "asyncio.Queue, not a task per page (a Semaphore bounds how many run at "
            "once, but it is not a pool of workers).")
        if workers > 1:
            try:
                assert_concurrent(
                    web.rec, f"crawl with workers={workers} on a page with 10 links")
            except Diagnosed as exc:
                raise Diagnosed(replace(exc.diagnosis, advice=SERIAL_ADVICE)) from None


def test_links_error_propagates():
    web = Web({"home": ["a", "b", "c"], "b": ["d"], "a": ["e"], "e": ["f"]}, broken="b")
    try:
        result = run_crawl(web, "home", workers=2)
    except PageError:
        return
    except BaseExceptionGroup as group:
        assert group.subgroup(PageError) is not None, (
            f"links('b') raised PageError, and crawl raised {group!r} without it")
        return
    raise AssertionError(
        f"links('b') raised PageError, but crawl returned {result!r}: crawl must raise "
        "the error of a failed fetch (on its own or in an ExceptionGroup, as a TaskGroup "
        "raises it), with every worker cancelled. `gather(..., return_exceptions=True)` "
        "on the workers hides it.")
