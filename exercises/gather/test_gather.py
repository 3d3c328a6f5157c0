"""Public tests for the gather exercise. Run them with `grader check gather`
(or `pytest` in this folder).

The tests supply `fetch`: a coroutine function that pauses (stands for a network
request) and records when each call starts and ends, by the order of events.
"""

from __future__ import annotations

import asyncio

import pytest
from gather import fetch_all

from grader.testing.aio import Intervals, assert_concurrent, run_async


class FetchFailed(Exception):
    """The error a test's fetch raises."""


async def fetch_after_yields(key):
    """Return key.upper() after pausing key's number of times: later keys of the
    tests pause less, so they finish first."""
    word, pauses = key
    for _ in range(pauses):
        await asyncio.sleep(0)
    return word.upper()


async def slow_fetch(key):
    await asyncio.sleep(0.01)
    return f"value of {key}"


@pytest.mark.lesson
def test_results_in_input_order():
    keys = [("a", 5), ("b", 4), ("c", 3), ("d", 2), ("e", 1)]  # "e" finishes first
    got = run_async(fetch_all, keys, fetch_after_yields, what="fetch_all(5 keys)")
    assert got == ["A", "B", "C", "D", "E"], (
        f"fetch_all returned {got!r}; expected the results in the order of the keys, "
        "['A', 'B', 'C', 'D', 'E'], although the last key finished first. Keep each "
        "task (or the index of its key) and collect the results in the order of the keys, "
        "not in the order the fetches finish.")


@pytest.mark.lesson
def test_fetches_run_at_once():
    rec = Intervals()
    keys = ["k1", "k2", "k3", "k4"]
    got = run_async(fetch_all, keys, rec.wrap(slow_fetch), what="fetch_all(4 keys)")
    assert got == [f"value of {k}" for k in keys], f"fetch_all returned {got!r}"
    assert_concurrent(rec, "fetch_all(4 keys) with no limit", at_least=len(keys))


@pytest.mark.lesson
def test_limit_is_respected():
    rec = Intervals()
    keys = [f"k{i}" for i in range(8)]
    got = run_async(fetch_all, keys, rec.wrap(slow_fetch), limit=3,
                    what="fetch_all(8 keys, limit=3)")
    assert got == [f"value of {k}" for k in keys], f"fetch_all returned {got!r}"
    assert rec.peak <= 3, (
        f"with limit=3, {rec.peak} fetches were in flight at once (in order: {rec.story()}). "
        "Share one asyncio.Semaphore(limit) between all the fetches of the call, and hold "
        "a slot (`async with slots:`) around each `await fetch(key)`.")
    assert_concurrent(rec, "fetch_all(8 keys, limit=3)", at_least=3)


@pytest.mark.lesson
def test_failure_cancels_the_others():
    rec = Intervals()
    never = asyncio.Event()  # never set: the other fetches would wait forever

    async def fetch(key):
        if key == "bad":
            await asyncio.sleep(0.01)
            raise FetchFailed(key)
        await never.wait()

    async def call():
        try:
            await fetch_all(["bad", "a", "c"], rec.wrap(fetch))
        except FetchFailed:
            still = [c.key for c in rec.running()]
            assert not still, (
                f"fetch_all raised while the fetches {still} were still running. When one "
                "fetch fails, cancel the others and wait until they have finished "
                "cancelling (a TaskGroup does both) before raising.")
            return
        except BaseException as exc:
            raise AssertionError(
                f"fetch_all raised {type(exc).__name__}: {exc}, expected the fetch's own "
                "FetchFailed. If you use a TaskGroup, take the error out of its "
                "ExceptionGroup (`group.exceptions[0]`) and raise that.") from exc
        raise AssertionError("fetch_all returned although a fetch raised FetchFailed")

    run_async(call, timeout=2.0, what="fetch_all(['bad', 'a', 'c']) where 'bad' fails")
    others = [c.key for c in rec.calls if c.key != "bad"]
    assert sorted(rec.cancelled()) == sorted(others), (
        f"expected the other fetches that started ({others}) cancelled; in order: "
        f"{rec.story()}")
