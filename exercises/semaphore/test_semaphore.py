"""Public tests for Mailbox. Run them with `grader check semaphore`.

The hidden tests check more: many posts before any wait, many threads at once,
timeouts that take nothing, and busy-waiting.
"""

import threading

import pytest
from semaphore import Mailbox

from grader.testing import call_with_deadline, wait_until_blocked


def test_post_then_wait():
    mb = Mailbox()
    call_with_deadline(mb.post, "hello", what="post('hello')")
    got = call_with_deadline(mb.wait, what="wait() after a post")
    assert got == "hello", f"posted 'hello', wait() returned {got!r}"


def test_wait_blocks_until_a_post():
    mb = Mailbox()
    got = []
    waiter = threading.Thread(target=lambda: got.append(mb.wait()), daemon=True)
    waiter.start()
    assert wait_until_blocked(waiter), (
        f"wait() on an empty mailbox should block until an item is posted; it ended with {got}"
    )
    call_with_deadline(mb.post, "late", what="post('late') with a thread waiting")
    waiter.join(5)
    assert not waiter.is_alive(), "the waiting wait() was not woken up by post()"
    assert got == ["late"]


def test_two_posts_two_waits():
    mb = Mailbox()
    call_with_deadline(mb.post, 1, what="post(1)")
    call_with_deadline(mb.post, 2, what="post(2)")
    try:
        first = call_with_deadline(mb.wait, timeout=1, what="the first wait(timeout=1)")
        second = call_with_deadline(mb.wait, timeout=1, what="the second wait(timeout=1)")
    except TimeoutError:
        pytest.fail("posted 1 and 2, then a wait(timeout=1) raised TimeoutError although an "
                    "item was there: each post must be counted (one semaphore release per "
                    "post), so that two posts let two waits through", pytrace=False)
    assert [first, second] == [1, 2], (
        f"posted 1 then 2; the two waits returned {[first, second]}: each post is one "
        "item, and wait() returns the oldest one"
    )


def test_wait_timeout():
    mb = Mailbox()
    with pytest.raises(TimeoutError):
        call_with_deadline(mb.wait, timeout=0.05, what="wait(timeout=0.05) on an empty mailbox")
