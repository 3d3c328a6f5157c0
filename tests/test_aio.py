"""The asyncio watch (grader.diagnostics.aio through grader.testing.aio): one
program per row, the kind it must get (None: nothing wrong, however slow) and
what the message must name. Healthy programs that are slow, sleep, hand work to
threads or wait on timers past the deadline are reported as nothing."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from grader.runner.protocol import Status
from grader.testing import DeadlineExceeded, RaceFound
from grader.testing.aio import Diagnosed, Intervals, assert_concurrent, await_points, run_async

# -- the programs ------------------------------------------------------------------


async def healthy_many_short_steps():
    for _ in range(40):
        sum(range(20_000))  # a few ms of CPU, then back to the loop
        await asyncio.sleep(0.01)
    return "done"


async def healthy_work_in_a_thread():
    return await asyncio.to_thread(sum, range(3_000_000))


async def healthy_timer_past_the_deadline():
    await asyncio.sleep(0.8)  # the deadline is 0.5 s: a due timer is work going on
    return "late but fine"


async def healthy_producer_consumer():
    q: asyncio.Queue[int] = asyncio.Queue()

    async def worker():
        while True:
            await q.get()
            await asyncio.sleep(0.001)
            q.task_done()

    task = asyncio.create_task(worker())
    for i in range(20):
        q.put_nowait(i)
    await q.join()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return "joined"


async def blocking_sleep():
    time.sleep(0.3)  # the line the verdict must name
    return "slept"


_shared = threading.Lock()


async def blocking_threading_lock():
    async def use():
        with _shared:  # the second task blocks the loop's only thread
            await asyncio.sleep(0.01)

    await asyncio.gather(use(), use())


async def stall_get_with_no_put():
    inbox: asyncio.Queue[int] = asyncio.Queue()
    await inbox.get()


async def stall_missing_task_done():
    jobs: asyncio.Queue[int] = asyncio.Queue()

    async def worker():
        while True:
            await jobs.get()  # ... and never jobs.task_done()

    task = asyncio.create_task(worker())
    jobs.put_nowait(1)
    try:
        await jobs.join()
    finally:
        task.cancel()


async def deadlock_opposite_orders():
    first, second = asyncio.Lock(), asyncio.Lock()

    async def one():
        async with first:
            await asyncio.sleep(0.01)
            async with second:
                pass

    async def other():
        async with second:
            await asyncio.sleep(0.01)
            async with first:
                pass

    await asyncio.gather(one(), other())


async def never_awaited_coroutine():
    asyncio.sleep(0.01)  # creates a coroutine object, runs nothing
    return "returned"


async def never_retrieved_exception():
    async def fails():
        raise ValueError("lost")

    task = asyncio.ensure_future(fails())
    await asyncio.sleep(0.01)
    del task
    return "returned"


async def leaves_a_task_running():
    asyncio.create_task(asyncio.sleep(30))
    return "returned"


async def cancels_without_waiting():
    task = asyncio.create_task(asyncio.sleep(30))
    await asyncio.sleep(0)
    task.cancel()  # ... and returns before the cancellation has run
    return "returned"


async def waits_far_past_the_deadline():
    await asyncio.sleep(3600)


CASES = [
    # (program, kind, words the message must hold)
    (healthy_many_short_steps, None, ["done"]),
    (healthy_work_in_a_thread, None, []),
    (healthy_timer_past_the_deadline, None, ["late but fine"]),
    (healthy_producer_consumer, None, ["joined"]),
    (blocking_sleep, Status.BLOCKED_LOOP, ["time.sleep(0.3)", "test_aio.py, line"]),
    (blocking_threading_lock, Status.BLOCKED_LOOP, ["with _shared:"]),
    (stall_get_with_no_put, Status.STALL, ["an item of `inbox`", "await inbox.get()"]),
    (stall_missing_task_done, Status.STALL, ["`task_done()` for every item of `jobs`"]),
    (deadlock_opposite_orders, Status.DEADLOCK, ["task 1 `one()` holds `first`",
                                                 "waits for `second`"]),
    (never_awaited_coroutine, Status.NEVER_AWAITED, ["`sleep`", "asyncio.sleep(0.01)"]),
    (never_retrieved_exception, Status.NEVER_AWAITED, ["ValueError: lost", "`fails()`"]),
    (leaves_a_task_running, AssertionError, ["still pending", "task 1 `sleep()`"]),
    (cancels_without_waiting, AssertionError, ["cancelled, but nobody waited for it"]),
    (waits_far_past_the_deadline, DeadlineExceeded, ["waits for a timer",
                                                     "await asyncio.sleep(3600)"]),
]


@pytest.mark.parametrize("program, kind, words", CASES, ids=[c[0].__name__ for c in CASES])
def test_each_program_gets_its_verdict(program, kind, words):
    start = time.monotonic()
    if kind is None:
        result = run_async(program, timeout=0.5)
        assert all(w in str(result) for w in words)
        return
    expected = Diagnosed if isinstance(kind, Status) else kind
    with pytest.raises(expected) as caught:
        run_async(program, timeout=0.5)
    text = str(caught.value)
    if isinstance(kind, Status):
        diagnosis = caught.value.diagnosis
        assert diagnosis.kind is kind
        assert diagnosis.advice
        text = diagnosis.summary + "".join(
            f.code for t in diagnosis.threads for f in t.frames)
    for word in words:
        assert word in text, (word, text)
    assert "grader" not in text.replace("grader.testing", "")  # no internal frame
    assert time.monotonic() - start < 30  # (a hang would be caught by pytest-timeout)


def test_a_slow_worker_start_is_not_a_blocked_loop(monkeypatch):
    """On an overloaded machine a new thread can take a second to run its first
    line, and the first `asyncio.to_thread` waits for it on the loop: made on
    purpose here, it is no blocked loop (a reference answer once got one)."""
    real = threading.Thread._bootstrap

    def late_bootstrap(self):
        time.sleep(0.5)  # (the machine's delay, simulated: not synchronisation)
        real(self)

    monkeypatch.setattr(threading.Thread, "_bootstrap", late_bootstrap)
    assert run_async(healthy_work_in_a_thread, timeout=5) == sum(range(3_000_000))


def test_a_stall_is_found_long_before_the_deadline():
    """Proof by structure: an idle loop with nothing to wake it, seen twice."""
    start = time.process_time(), time.monotonic()
    with pytest.raises(Diagnosed) as caught:
        run_async(stall_get_with_no_put, timeout=60)
    assert caught.value.diagnosis.kind is Status.STALL
    assert time.monotonic() - start[1] < 30  # not the 60 s deadline


def test_the_same_deadlock_gets_the_same_message():
    messages = set()
    for _ in range(3):
        with pytest.raises(Diagnosed) as caught:
            run_async(deadlock_opposite_orders, timeout=5)
        messages.add(caught.value.diagnosis.summary)
    assert len(messages) == 1, messages


def test_blocking_allowed_when_asked():
    assert run_async(blocking_sleep, blocking_ok=True) == "slept"


def test_leftover_allowed_when_asked_and_cancelled_anyway():
    assert run_async(leaves_a_task_running, leftover_ok=True) == "returned"


def test_exceptions_come_through_unchanged():
    async def fails():
        await asyncio.sleep(0)
        raise KeyError("mine")

    with pytest.raises(KeyError, match="mine"):
        run_async(fails)


# -- serial, by the order of events -----------------------------------------------


async def _fetch(key):
    await asyncio.sleep(0.01)
    return key


def test_serial_awaits_are_named_serial():
    rec = Intervals()
    fetch = rec.wrap(_fetch)

    async def one_by_one():
        return [await fetch(k) for k in "abc"]

    assert run_async(one_by_one) == ["a", "b", "c"]
    assert rec.peak == 1
    with pytest.raises(Diagnosed) as caught:
        assert_concurrent(rec, "fetching a, b, c")
    assert caught.value.diagnosis.kind is Status.SERIAL
    assert "'a' started, 'a' done, 'b' started" in caught.value.diagnosis.summary


def test_gathered_awaits_overlap():
    rec = Intervals()
    fetch = rec.wrap(_fetch)

    async def together():
        return await asyncio.gather(*(fetch(k) for k in "abc"))

    assert run_async(together) == ["a", "b", "c"]
    assert rec.peak == 3 and not rec.running()
    assert_concurrent(rec, "fetching a, b, c", at_least=3)


def test_cancelled_calls_are_recorded():
    rec = Intervals()
    slow = rec.wrap(asyncio.sleep)

    async def cancels():
        task = asyncio.create_task(slow(10))
        await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    run_async(cancels)
    assert rec.cancelled() == [10]


# -- await-point races, provoked ------------------------------------------------------


class _Account:
    def __init__(self, audit):
        self.balance, self.audit = 100, audit

    async def withdraw(self, amount):
        if self.balance >= amount:  # check ...
            await self.audit()
            self.balance -= amount  # ... then act, across an await
            return True
        return False


async def _audit():
    return None


def _overdraws(audit) -> bool:
    account = _Account(audit)

    async def two_withdrawals():
        await asyncio.gather(account.withdraw(80), account.withdraw(80))

    run_async(two_withdrawals)
    return account.balance < 0


def test_await_points_provoke_the_race_with_every_seed():
    assert all(_overdraws(await_points(_audit, seed=seed)) for seed in range(20))


def test_without_await_points_the_race_hides():
    assert not any(_overdraws(_audit) for _ in range(20))


def test_await_points_replay_a_seed():
    def order(seed):
        seen = []

        async def note(name):
            seen.append(name)

        wrapped = await_points(note, most=5, seed=seed)

        async def many():
            await asyncio.gather(*(wrapped(i) for i in range(6)))

        run_async(many)
        return seen

    assert order(7) == order(7)
    assert len({tuple(order(s)) for s in range(8)}) > 1  # seeds do change the order


def test_race_found_is_a_test_failure():
    assert issubclass(RaceFound, AssertionError) and issubclass(Diagnosed, AssertionError)
