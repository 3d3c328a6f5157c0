"""Public tests for BoundedBuffer. Run them with `grader check condition`.

test_get_waits_again_after_a_spurious_wakeup makes your Condition wake up
without a notify (the documentation allows it), as the hidden tests do. The
hidden tests check more: lost wake-ups with many producers and consumers,
notify without the lock, and busy-waiting.
"""

import threading

import condition
import pytest
from condition import BoundedBuffer

from grader.testing import (
    call_with_deadline,
    patch_condition,
    start_through_spurious_wakeups,
    wait_until_blocked,
)


def test_fifo_order():
    buf = BoundedBuffer(3)
    for item in (1, 2, 3):
        call_with_deadline(buf.put, item, what=f"put({item}) into a buffer with room")
    got = [call_with_deadline(buf.get, what="get() from a non-empty buffer") for _ in range(3)]
    assert got == [1, 2, 3], f"put 1, 2, 3 and got {got}: get() must return the oldest item"


def test_get_waits_for_a_put():
    buf = BoundedBuffer(1)
    got = []
    consumer = threading.Thread(target=lambda: got.append(buf.get()), daemon=True)
    consumer.start()
    assert wait_until_blocked(consumer), (
        f"get() on an empty buffer should block until an item is put; it ended with {got}"
    )
    call_with_deadline(buf.put, "hello", what="put('hello') with a consumer waiting")
    consumer.join(5)
    assert not consumer.is_alive(), "the waiting get() was not woken up by put()"
    assert got == ["hello"]


def test_get_timeout():
    buf = BoundedBuffer(1)
    with pytest.raises(TimeoutError):
        call_with_deadline(lambda: buf.get(timeout=0.05),
                           what="get(timeout=0.05) from an empty buffer")


def test_producer_and_consumer_threads():
    buf = BoundedBuffer(2)
    got = []

    def producer():
        for i in range(100):
            buf.put(i)

    t = threading.Thread(target=producer, daemon=True)
    t.start()
    for _ in range(100):
        got.append(call_with_deadline(buf.get, what="get() while a producer is putting"))
    t.join(5)
    assert got == list(range(100))


@pytest.mark.lesson
def test_get_waits_again_after_a_spurious_wakeup(monkeypatch):
    # From here on, the Conditions that condition.py creates return from every
    # other wait() at once, without a notify.
    patch_condition(monkeypatch, condition)
    buf = BoundedBuffer(1)
    call, blocked, waited = start_through_spurious_wakeups(buf.get)
    assert waited, (
        "get() on an empty buffer never called wait() on a threading.Condition that "
        f"BoundedBuffer created ({call.outcome()}). Build the buffer on threading.Condition "
        "(not queue.Queue, nor a loop that keeps checking) and create it in __init__."
    )
    assert blocked, (
        "get() on an empty buffer did not wait again after its Condition woke it up "
        f"without a notify: {call.outcome()}. wait() can return although nothing was put "
        "(a spurious wake-up, or another consumer took the item first), so check the buffer "
        "again after every wake-up: `while not items: cond.wait()`, not `if`."
    )
    call_with_deadline(buf.put, "x", what="put('x') with a consumer waiting")
    assert call.finish("the waiting get(), after a put()") == "x"
