"""Hidden tests for the gather exercise (fetch_all on asyncio).

Every call of the student's fetch_all goes through run_async: a fresh, watched
event loop, which reports a blocked loop (time.sleep, a threading lock or
semaphore in a coroutine), a stall, and tasks left pending after the call. The
test's fetch is recorded by Intervals: the order in which the calls started and
ended, never the clock. "At once" is the peak of calls in flight; "later keys
finish first" is made by pausing earlier keys more often (asyncio.sleep(0) a
number of times), so the order is the same on any machine. A fetch that must
not end on its own waits for an asyncio.Event that is never set.
"""

from __future__ import annotations

import asyncio

import pytest
from gather import fetch_all

from grader.testing.aio import Intervals, assert_concurrent, run_async

HANG = 2.0  # seconds run_async waits for a call that may hang (a correct one takes ms)


class FetchFailed(Exception):
    """The error a test's fetch raises."""


async def pause(times: int) -> None:
    for _ in range(times):
        await asyncio.sleep(0)


async def short_fetch(key):
    await asyncio.sleep(0.01)
    return ("value", key)


def values(keys) -> list:
    return [("value", k) for k in keys]


def check_limit(rec: Intervals, limit: int, what: str) -> None:
    assert rec.peak <= limit, (
        f"{what}: {rec.peak} fetches were in flight at once, more than limit={limit} "
        f"(in order: {rec.story()}). Make ONE asyncio.Semaphore(limit) per fetch_all call, "
        "shared by all its fetches (not a new one inside each), and hold a slot around each "
        "`await fetch(key)`: `async with slots: return await fetch(key)`.")
    if limit >= 2:
        assert_concurrent(rec, what, at_least=2)
    assert rec.peak == limit, (
        f"{what}: at most {rec.peak} fetches were in flight at once; with limit={limit} and "
        f"more keys than that, {limit} should run at once (in order: {rec.story()}).")


LEFTOVER_ADVICE = (
    "When a fetch fails, cancel the other tasks AND wait until they have finished "
    "cancelling before raising: `task.cancel()` only asks, the task ends later. An "
    "`async with asyncio.TaskGroup()` does both; `asyncio.gather()` does neither (it passes "
    "the first exception on at once and lets the others run).")


async def call_and_look(rec: Intervals, what: str, *args, **kwargs):
    """Call fetch_all; fail if a recorded fetch is still running the moment it
    returned or raised; else return (result or None, exception or None)."""
    try:
        result = await fetch_all(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - examined by the test
        result, error = None, exc
    else:
        error = None
    still = [c.key for c in rec.running()]
    if still:
        ended = "returned" if error is None else f"raised {type(error).__name__}"
        raise AssertionError(
            f"{what}: when fetch_all {ended}, the fetches {still} were still running "
            f"(in order: {rec.story(12)}). {LEFTOVER_ADVICE}")
    return result, error


def check_raised_own_error(exc, expected: BaseException, what: str) -> None:
    if exc is expected:
        return
    if isinstance(exc, BaseExceptionGroup):
        raise AssertionError(
            f"{what}: fetch_all raised {type(exc).__name__}({exc}) instead of the fetch's own "
            f"{type(expected).__name__}. A TaskGroup wraps errors in an ExceptionGroup: "
            "catch it (`except ExceptionGroup as group:`) and raise `group.exceptions[0]`.") \
            from exc
    if exc is None:
        raise AssertionError(f"{what}: fetch_all returned although a fetch raised "
                             f"{expected!r}; it must raise that exception.")
    raise AssertionError(
        f"{what}: fetch_all raised {type(exc).__name__}: {exc!r}; expected the fetch's own "
        f"exception {expected!r}, itself.") from exc


# --- results ------------------------------------------------------------------------


@pytest.mark.lesson
@pytest.mark.parametrize("limit", [None, 2])
def test_results_in_input_order_when_later_keys_finish_first(limit):
    rec = Intervals()
    keys = list(range(6))

    async def fetch(key):
        await pause(2 * (len(keys) - key))  # key 5 pauses least: it finishes first
        return f"result {key}"

    got = run_async(fetch_all, keys, rec.wrap(fetch), limit=limit,
                    what=f"fetch_all(6 keys, limit={limit})")
    finished = [c.key for c in sorted(rec.calls, key=lambda c: c.end or 0)]
    assert got == [f"result {k}" for k in keys], (
        f"fetch_all(keys={keys}, limit={limit}) returned {got!r}; expected the results in the "
        f"order of the keys. The fetches finished in the order {finished}: collect the results "
        "by the position of their key (keep the tasks in a list, in key order), not as they "
        "finish (asyncio.as_completed, appending in each task).")


def test_empty_keys():
    rec = Intervals()
    assert run_async(fetch_all, [], rec.wrap(short_fetch), what="fetch_all([])") == []
    assert run_async(fetch_all, [], rec.wrap(short_fetch), limit=3,
                     what="fetch_all([], limit=3)") == []
    assert not rec.calls, f"fetch was called for no key: {rec.story()}"


def test_every_key_fetched_once_duplicates_too():
    rec = Intervals()
    keys = ["x", "y", "x", "z", "x"]
    got = run_async(fetch_all, keys, rec.wrap(short_fetch), what=f"fetch_all({keys})")
    assert got == values(keys), f"fetch_all({keys}) returned {got!r}"
    fetched = sorted(c.key for c in rec.calls)
    assert fetched == sorted(keys), (
        f"fetch_all({keys}) called fetch for {fetched}: fetch once per item of keys, "
        "duplicates too.")


def test_keys_may_be_any_iterable():
    rec = Intervals()
    got = run_async(fetch_all, (f"g{i}" for i in range(5)), rec.wrap(short_fetch), limit=2,
                    what="fetch_all(a generator of 5 keys, limit=2)")
    assert got == values(f"g{i}" for i in range(5)), (
        f"fetch_all(a generator of 5 keys) returned {got!r}. keys may be any iterable: "
        "go through it once (e.g. `keys = list(keys)` first).")


def test_results_kept_whatever_they_are():
    results = {"none": None, "zero": 0, "empty": "", "list": [1, 2]}

    async def fetch(key):
        await asyncio.sleep(0)
        return results[key]

    keys = list(results)
    got = run_async(fetch_all, keys, fetch, what="fetch_all with falsy results")
    assert got == [None, 0, "", [1, 2]], (
        f"fetch_all returned {got!r}; expected each fetch's result as it is (None, 0 and "
        "'' are results too).")


# --- at once --------------------------------------------------------------------------


@pytest.mark.lesson
def test_all_fetches_in_flight_at_once():
    rec = Intervals()
    keys = [f"k{i}" for i in range(6)]
    got = run_async(fetch_all, keys, rec.wrap(short_fetch), what="fetch_all(6 keys)")
    assert got == values(keys), f"fetch_all returned {got!r}"
    assert_concurrent(rec, "fetch_all(6 keys) with no limit", at_least=len(keys))


@pytest.mark.lesson
@pytest.mark.parametrize("limit", [1, 2, 5])
def test_limit_caps_fetches_in_flight(limit):
    rec = Intervals()
    keys = [f"k{i}" for i in range(10)]
    what = f"fetch_all(10 keys, limit={limit})"
    got = run_async(fetch_all, keys, rec.wrap(short_fetch), limit=limit, what=what)
    assert got == values(keys), f"{what} returned {got!r}"
    check_limit(rec, limit, what)


@pytest.mark.lesson
def test_limit_with_many_keys():
    rec = Intervals()
    keys = list(range(200))

    async def fetch(key):
        await pause(1 + key % 3)
        return key * key

    got = run_async(fetch_all, keys, rec.wrap(fetch), limit=16,
                    what="fetch_all(200 keys, limit=16)")
    assert got == [k * k for k in keys], "fetch_all(200 keys, limit=16) returned wrong results"
    check_limit(rec, 16, "fetch_all(200 keys, limit=16)")


def test_limit_larger_than_keys():
    rec = Intervals()
    keys = ["p", "q", "r"]
    got = run_async(fetch_all, keys, rec.wrap(short_fetch), limit=10,
                    what="fetch_all(3 keys, limit=10)")
    assert got == values(keys), f"fetch_all(3 keys, limit=10) returned {got!r}"
    assert_concurrent(rec, "fetch_all(3 keys, limit=10)", at_least=3)


def test_next_fetch_starts_as_soon_as_a_slot_frees():
    rec = Intervals()
    last_started = asyncio.Event()
    waited_in_vain = []

    async def fetch(key):
        if key == "slow":  # holds its slot until the last key has started
            try:
                async with asyncio.timeout(HANG):
                    await last_started.wait()
            except TimeoutError:
                waited_in_vain.append(key)
        elif key == "f4":
            last_started.set()
        await asyncio.sleep(0)
        return key

    keys = ["slow", "f1", "f2", "f3", "f4"]
    got = run_async(fetch_all, keys, rec.wrap(fetch), limit=2, timeout=HANG * 3,
                    what="fetch_all(5 keys, limit=2), the first one slow")
    assert got == keys, f"fetch_all returned {got!r}"
    assert not waited_in_vain, (
        f"with limit=2 and one slow fetch, the other keys had to wait for it (in order: "
        f"{rec.story(10)}). Run the keys through slots, not in batches of `limit`: as soon as "
        "one fetch ends, the next key starts, while the slow one is still running.")


# --- the loop stays free ----------------------------------------------------------------


@pytest.mark.lesson
def test_loop_never_blocked():
    """run_async reports any step of the loop that holds it for more than 0.1 s
    (time.sleep, a threading.Semaphore waiting for a slot): kind blocked-loop."""
    rec = Intervals()
    keys = [f"k{i}" for i in range(12)]
    got = run_async(fetch_all, keys, rec.wrap(short_fetch), limit=4, timeout=HANG,
                    what="fetch_all(12 keys, limit=4)")
    assert got == values(keys), f"fetch_all(12 keys, limit=4) returned {got!r}"
    check_limit(rec, 4, "fetch_all(12 keys, limit=4)")


# --- errors and cancellation -------------------------------------------------------------


@pytest.mark.lesson
@pytest.mark.parametrize("limit", [None, 2])
def test_failure_cancels_the_others_before_raising(limit):
    rec = Intervals()
    never = asyncio.Event()
    error = FetchFailed("bad")
    keys = ["bad", "a", "c", "d", "e"]

    async def fetch(key):
        if key == "bad":
            await asyncio.sleep(0.01)
            raise error
        await never.wait()  # a slow fetch: ends only when cancelled

    what = f"fetch_all({keys}, limit={limit}) where 'bad' fails"
    _, exc = run_async(call_and_look, rec, what, keys, rec.wrap(fetch), limit=limit,
                       timeout=HANG, what=what)
    check_raised_own_error(exc, error, what)
    started = [c.key for c in rec.calls if c.key != "bad"]
    assert sorted(rec.cancelled()) == sorted(started), (
        f"{what}: expected every other fetch that started ({started}) cancelled; in order: "
        f"{rec.story(12)}")


@pytest.mark.lesson
def test_fetch_exception_propagates_itself():
    error = KeyError("missing")

    async def fetch(key):
        await asyncio.sleep(0)
        if key == 2:
            raise error
        return key

    rec = Intervals()
    what = "fetch_all([1, 2, 3]) where 2 raises KeyError"
    _, exc = run_async(call_and_look, rec, what, [1, 2, 3], rec.wrap(fetch), what=what)
    check_raised_own_error(exc, error, what)


def test_first_failure_wins():
    """Key 1 fails at once; key 20 would fail much later, had it not been cancelled."""
    first, second = FetchFailed("first"), FetchFailed("second")

    async def fetch(key):
        await pause(key)
        raise first if key == 1 else second

    rec = Intervals()
    what = "fetch_all([20, 1]) where both fail, 1 long before 20"
    _, exc = run_async(call_and_look, rec, what, [20, 1], rec.wrap(fetch), timeout=HANG,
                       what=what)
    check_raised_own_error(exc, first, what)


@pytest.mark.lesson
@pytest.mark.parametrize("limit", [None, 2])
def test_cancelling_fetch_all_cancels_its_fetches(limit):
    rec = Intervals()
    never = asyncio.Event()
    first_started = asyncio.Event()
    keys = ["a", "b", "c", "d"]

    async def fetch(key):
        first_started.set()
        await never.wait()

    async def cancel_midway():
        task = asyncio.ensure_future(fetch_all(keys, rec.wrap(fetch), limit=limit))
        started = asyncio.ensure_future(first_started.wait())
        await asyncio.wait([task, started], return_when=asyncio.FIRST_COMPLETED)
        started.cancel()
        if task.done():  # it ended before any fetch started: its result or error
            raise AssertionError(f"fetch_all ended before any fetch started: {task.result()!r}")
        await pause(3)  # let the others start
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return [c.key for c in rec.running()]
        raise AssertionError("fetch_all was cancelled, yet it did not raise CancelledError: "
                             "never swallow a cancellation, let it propagate.")

    what = f"fetch_all({keys}, limit={limit}) cancelled while its fetches run"
    still = run_async(cancel_midway, timeout=HANG, what=what)
    assert not still, (
        f"{what}: once fetch_all had ended (cancelled), the fetches {still} were still running "
        f"(in order: {rec.story(12)}). When fetch_all is cancelled, cancel its tasks and wait "
        "for them (`async with asyncio.TaskGroup()` does; asyncio.wait() does not).")
