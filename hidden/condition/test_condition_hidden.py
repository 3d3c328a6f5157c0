"""Hidden tests for the condition exercise (BoundedBuffer on threading.Condition).

Every "must not happen" is shown by the order of events, never by a tight clock:
a call that must block is started in a thread and seen blocked
(``wait_until_blocked``) before the test unblocks it; a call that must return is
joined with a generous deadline. Spurious wake-ups are injected into the
student's own Condition (``patch_condition``), so ``if`` around ``wait`` fails
every run; a lost wake-up is provoked with many producers and consumers on a
buffer of one slot and shows as a stall (``DeadlineExceeded``).
"""


import condition
import pytest
from condition import BoundedBuffer

from grader.testing import (
    DeadlineExceeded,
    SpuriousCondition,
    busy_cpu_ratio,
    call_with_deadline,
    inject_switches,
    patch_condition,
    run_in_threads,
    start_call,
    start_through_spurious_wakeups,
    wait_until_blocked,
)

DEADLINE = 5.0
BUSY_LIMIT = 0.01  # share of a CPU: a blocked wait uses about 0.00001, a spin 0.1-1


# --- FIFO -----------------------------------------------------------------------


@pytest.mark.lesson
def test_fifo_single_thread():
    buf = BoundedBuffer(5)
    for item in ["a", "b", "c", "d", "e"]:
        call_with_deadline(buf.put, item, what=f"put({item!r}) into a buffer with room")
    got = [call_with_deadline(buf.get, what="get() from a non-empty buffer") for _ in range(5)]
    assert got == ["a", "b", "c", "d", "e"], (
        f"put a, b, c, d, e then got {got}: get() must return the oldest item first (FIFO). "
        "Append at one end and take from the other (collections.deque: append/popleft)."
    )


def test_fifo_through_threads():
    buf = BoundedBuffer(3)
    got = []

    def producer():
        for i in range(300):
            buf.put(i)

    def consumer():
        for _ in range(300):
            got.append(buf.get())

    run_in_threads([producer, consumer], timeout=DEADLINE,
                   what="one producer and one consumer on a buffer of 3 slots")
    assert got == list(range(300)), (
        "one producer put 0..299, one consumer got them "
        f"{'out of order' if sorted(got) == list(range(300)) else 'with items lost or repeated'}:"
        f" first differences at {[i for i, x in enumerate(got) if x != i][:5]}. "
        "The buffer must hand items out in the order they were put."
    )


# --- blocking -------------------------------------------------------------------


def test_put_blocks_while_full():
    buf = BoundedBuffer(2)
    call_with_deadline(buf.put, "first", what="put('first') into an empty buffer")
    call_with_deadline(buf.put, "second", what="put('second') into a buffer with room")
    call = start_call(buf.put, "third")
    assert wait_until_blocked(call.thread), (
        f"put('third') into a full buffer (capacity 2) did not block: {call.outcome()}. "
        "put must wait on the Condition while the buffer holds `capacity` items."
    )
    assert not call.done.is_set()
    assert call_with_deadline(buf.get, what="get() from a full buffer") == "first"
    call.finish("the blocked put('third'), after a get() made room")
    rest = [call_with_deadline(buf.get) for _ in range(2)]
    assert rest == ["second", "third"], (
        f"after the blocked put returned, the buffer held {rest}, expected ['second', 'third']"
    )


@pytest.mark.lesson
def test_get_blocks_while_empty():
    buf = BoundedBuffer(2)
    call = start_call(buf.get)
    assert wait_until_blocked(call.thread), (
        f"get() from an empty buffer did not block: {call.outcome()}. "
        "get must wait on the Condition while the buffer is empty."
    )
    assert not call.done.is_set()
    call_with_deadline(buf.put, "late", what="put('late') into an empty buffer")
    got = call.finish("the blocked get(), after a put()")
    assert got == "late", f"the blocked get() returned {got!r}, expected 'late'"


# --- timeouts -------------------------------------------------------------------


def test_get_timeout_raises_timeout_error():
    buf = BoundedBuffer(1)
    with pytest.raises(TimeoutError):
        call_with_deadline(lambda: buf.get(timeout=0.05),
                           what="get(timeout=0.05) from an empty buffer")
    call_with_deadline(buf.put, "x")
    assert call_with_deadline(lambda: buf.get(timeout=0.05)) == "x", (
        "get(timeout=...) must return an item that is there, without waiting"
    )


def test_put_timeout_raises_timeout_error():
    buf = BoundedBuffer(1)
    call_with_deadline(buf.put, "kept", what="put('kept') into an empty buffer")
    with pytest.raises(TimeoutError):
        call_with_deadline(lambda: buf.put("dropped", timeout=0.05),
                           what="put('dropped', timeout=0.05) into a full buffer")
    assert call_with_deadline(buf.get) == "kept"
    try:
        extra = call_with_deadline(lambda: buf.get(timeout=0.05),
                                   what="get(timeout=0.05) after a put that timed out")
    except TimeoutError:
        return
    pytest.fail(f"a put() that raised TimeoutError still added its item ({extra!r}): "
                "raise before appending, and append only once there is room", pytrace=False)


# --- spurious wake-ups: while, not if -----------------------------------------


@pytest.mark.lesson
def test_get_rechecks_after_spurious_wakeup(monkeypatch):
    patch_condition(monkeypatch, condition)
    buf = BoundedBuffer(2)
    call, blocked, waited = start_through_spurious_wakeups(buf.get)
    assert blocked, (
        f"get() on an empty buffer returned after a spurious wake-up: {call.outcome()}. "
        "Condition.wait() may return without a notify (and another consumer may take the "
        "item first), so re-check the buffer after every wake-up: `while not items: "
        "cond.wait()`, never `if`. (Or use cond.wait_for(predicate).)"
    )
    assert waited, (
        "get() blocked, but never waited on a threading.Condition made by BoundedBuffer. "
        "Build the buffer on threading.Condition (not queue.Queue, which is what you are "
        "building), and create the Condition in __init__."
    )
    call_with_deadline(buf.put, "x")
    assert call.finish("get() after a put()") == "x"


@pytest.mark.lesson
def test_put_rechecks_after_spurious_wakeup(monkeypatch):
    patch_condition(monkeypatch, condition)
    seen = SpuriousCondition.spurious_count
    buf = BoundedBuffer(1)
    call_with_deadline(buf.put, "first", what="put('first') into an empty buffer")
    call = start_call(buf.put, "second")
    blocked = wait_until_blocked(call.thread)
    assert blocked, (
        f"put() into a full buffer returned after a spurious wake-up: {call.outcome()}, "
        "and the buffer now holds more than its capacity. Re-check after every wake-up: "
        "`while len(items) >= capacity: cond.wait()`, never `if`."
    )
    assert SpuriousCondition.spurious_count > seen, (
        "put() blocked, but never waited on a threading.Condition made by BoundedBuffer. "
        "Build the buffer on threading.Condition (not queue.Queue)."
    )
    assert call_with_deadline(buf.get) == "first"
    call.finish("put('second') after a get()")
    assert call_with_deadline(buf.get) == "second"


# --- lost wake-ups --------------------------------------------------------------


@pytest.mark.lesson
@pytest.mark.timeout_s(20)
def test_many_producers_and_consumers_one_slot():
    producers, consumers, per_pair = 3, 3, 100
    buf = BoundedBuffer(1)
    got = [[] for _ in range(consumers)]

    def producer(k):
        def run():
            for i in range(per_pair * consumers):
                buf.put((k, i))
        return run

    def consumer(k):
        def run():
            for _ in range(per_pair * producers):
                got[k].append(buf.get())
        return run

    try:
        # The threads take seeded turns, so which thread a notify wakes (and
        # whether another one steals the item first) is the same in every run.
        # A slow answer that keeps delivering passes (the wait lasts while items
        # move); a lost wake-up moves nothing.
        with inject_switches(condition):
            run_in_threads([producer(k) for k in range(producers)]
                           + [consumer(k) for k in range(consumers)], timeout=DEADLINE,
                           what=f"{producers} producers and {consumers} consumers on one slot",
                           progress=lambda: sum(map(len, got)))
    except DeadlineExceeded as exc:
        raise DeadlineExceeded(
            "Producers and consumers stalled: everybody waits and nobody will notify. "
            "This is a lost wake-up. With ONE Condition for both 'not full' and 'not "
            "empty', notify() may wake a thread of the wrong kind (a producer woken by "
            "a producer re-checks, finds the buffer full and waits again), and the thread "
            "that could have made progress is never woken. Use two Conditions sharing "
            f"one lock (not_full, not_empty), or notify_all().\n{exc}"
        ) from None
    flat = [x for part in got for x in part]
    expected = sorted((k, i) for k in range(producers) for i in range(per_pair * consumers))
    assert sorted(flat) == expected, "items were lost or delivered twice"
    for part in got:
        for k in range(producers):
            mine = [i for (p, i) in part if p == k]
            assert mine == sorted(mine), "items of one producer came out of order (not FIFO)"


# --- notify while holding the lock ----------------------------------------------


@pytest.mark.lesson
def test_notify_while_holding_the_lock():
    buf = BoundedBuffer(1)
    try:
        call_with_deadline(buf.put, 1, what="put(1) into an empty buffer")
        assert call_with_deadline(buf.get, what="get() from a buffer of one item") == 1
        getter = start_call(buf.get)
        wait_until_blocked(getter.thread)
        call_with_deadline(buf.put, 2, what="put(2) with a consumer waiting")
        assert getter.finish("get() woken by put(2)") == 2
        call_with_deadline(buf.put, 3)
        putter = start_call(buf.put, 4)
        wait_until_blocked(putter.thread)
        assert call_with_deadline(buf.get, what="get() with a producer waiting") == 3
        putter.finish("put(4) woken by get()")
    except RuntimeError as exc:
        if "un-acquired" not in str(exc):
            raise
        pytest.fail(
            f"RuntimeError: {exc}. notify() (and notify_all()) may only be called while "
            "the Condition's lock is held: call it inside the `with cond:` block, right "
            "after changing the buffer, not after leaving it.",
            pytrace=False,
        )


# --- no busy-waiting ------------------------------------------------------------


@pytest.mark.lesson
@pytest.mark.cpu_sensitive
def test_get_does_not_busy_wait():
    buf = BoundedBuffer(1)
    ratio = busy_cpu_ratio(buf.get, release=lambda: call_with_deadline(buf.put, "x"))
    assert ratio < BUSY_LIMIT, (
        f"get() on an empty buffer used {ratio:.0%} of a CPU while it waited: a busy-wait "
        "loop that keeps checking. Block in cond.wait() instead; it uses no CPU until "
        "notified."
    )


@pytest.mark.lesson
@pytest.mark.cpu_sensitive
def test_put_does_not_busy_wait():
    buf = BoundedBuffer(1)
    call_with_deadline(buf.put, "first", what="put('first') into an empty buffer")
    ratio = busy_cpu_ratio(lambda: buf.put("second"),
                           release=lambda: call_with_deadline(buf.get))
    assert ratio < BUSY_LIMIT, (
        f"put() into a full buffer used {ratio:.0%} of a CPU while it waited: a busy-wait "
        "loop. Block in cond.wait() instead."
    )
