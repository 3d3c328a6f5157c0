"""Hidden tests for the semaphore exercise (Mailbox on threading.Semaphore).

Every "must not happen" is shown by the order of events or by CPU time, never
by a tight clock: several posts are made before any wait (a single item slot
keeps only the last; an Event merges the signals, so the second wait blocks
forever, which the deadline helpers and the grader's stall check cut short);
a blocked wait's CPU share is measured with ``busy_cpu_ratio``.
"""

import pytest
import semaphore
from semaphore import Mailbox

from grader.testing import (
    DeadlineExceeded,
    RaceFound,
    base_seed,
    busy_cpu_ratio,
    call_with_deadline,
    inject_switches,
    run_in_threads,
    start_call,
    wait_until_blocked,
)

DEADLINE = 5.0
BUSY_LIMIT = 0.02  # share of a CPU: a blocked wait uses about 0.00001, a spin 0.1-1

SINGLE_SLOT_HINT = (
    "The mailbox seems to keep only the last item posted (one `self.item = item` slot): "
    "each post overwrites the one before. The semaphore counts every post, so keep every "
    "item: append to a collections.deque in post(), popleft() in wait()."
)
EVENT_HINT = (
    "Two posts were made before any wait, so two waits must both get an item. If the "
    "second one waits forever (or times out), the two signals merged into one: that is "
    "what an Event does (a flag: set twice is still set once, and the first wait clears "
    "it). A Semaphore counts: post() releases once per item, wait() acquires once per item."
)


def post_all(mb, items):
    for item in items:
        call_with_deadline(mb.post, item, what=f"post({item!r})")


# --- every post is kept ------------------------------------------------------------


@pytest.mark.lesson
def test_posts_before_waits_keep_every_item():
    mb = Mailbox()
    items = ["a", "b", "c", "d"]
    post_all(mb, items)
    got = []
    try:
        for k in range(len(items)):
            got.append(call_with_deadline(
                mb.wait, what=f"wait() number {k + 1} after {len(items)} posts"))
    except DeadlineExceeded as exc:
        raise DeadlineExceeded(f"got {got} before a wait blocked. {EVENT_HINT}\n{exc}") from None
    if got != items and len(set(got)) == 1 and got[0] == items[-1]:
        pytest.fail(f"posted {items} before any wait; the waits returned {got}. "
                    f"{SINGLE_SLOT_HINT}", pytrace=False)
    assert got == items, (
        f"posted {items} before any wait; the waits returned {got}. Every posted item must "
        "be returned by exactly one wait(), oldest first."
    )


@pytest.mark.lesson
def test_interleaved_posts_and_waits_fifo():
    mb = Mailbox()
    post_all(mb, [1])
    got = [call_with_deadline(mb.wait, what="wait() after post(1)")]
    post_all(mb, [2, 3])
    got.append(call_with_deadline(mb.wait, what="wait() after post(2), post(3)"))
    post_all(mb, [4])
    got.append(call_with_deadline(mb.wait, what="wait() for 3"))
    got.append(call_with_deadline(mb.wait, what="wait() for 4"))
    assert got == [1, 2, 3, 4], (
        f"post 1, wait, post 2 and 3, wait, post 4, wait, wait returned {got}, expected "
        "[1, 2, 3, 4]: wait() takes the oldest item not yet taken."
    )


# --- signals must not merge (an Event is not a counter) -----------------------------


@pytest.mark.lesson
def test_two_posts_then_two_waits():
    mb = Mailbox()
    post_all(mb, ["x", "y"])
    first = call_with_deadline(mb.wait, what="the first wait() after two posts")
    try:
        second = call_with_deadline(mb.wait, what="the second wait() after two posts")
    except DeadlineExceeded as exc:
        raise DeadlineExceeded(f"{EVENT_HINT}\n{exc}") from None
    assert [first, second] == ["x", "y"], (
        f"posted 'x' then 'y'; the two waits returned {[first, second]}, expected ['x', 'y']"
    )


@pytest.mark.lesson
def test_two_posts_then_two_timed_waits():
    mb = Mailbox()
    post_all(mb, ["x", "y"])
    got = []
    try:
        for k in range(2):
            got.append(call_with_deadline(mb.wait, timeout=1.0,
                                          what=f"wait(timeout=1.0) number {k + 1}"))
    except TimeoutError:
        pytest.fail(f"posted 'x' and 'y', then wait(timeout=1.0) twice: the first returned "
                    f"{got[0] if got else None!r}, then one raised TimeoutError although an "
                    f"item was waiting. {EVENT_HINT}", pytrace=False)
    assert got == ["x", "y"], (
        f"posted 'x' then 'y'; the two timed waits returned {got}, expected ['x', 'y']"
    )


def test_two_waiters_then_two_posts():
    mb = Mailbox()
    waiters = [start_call(mb.wait) for _ in range(2)]
    for call in waiters:
        assert wait_until_blocked(call.thread), (
            f"wait() on an empty mailbox did not block: {call.outcome()}"
        )
    post_all(mb, ["p", "q"])
    got = sorted(call.finish("a blocked wait(), after two posts") for call in waiters)
    assert got == ["p", "q"], (
        f"two threads waited, then 'p' and 'q' were posted; they got {got}: each posted "
        "item goes to exactly one waiter, so each waiter gets its own item"
    )


# --- blocking and timeouts ---------------------------------------------------------


def test_wait_blocks_until_post():
    mb = Mailbox()
    call = start_call(mb.wait)
    assert wait_until_blocked(call.thread), (
        f"wait() on an empty mailbox did not block: {call.outcome()}. It must wait (on the "
        "semaphore) until something is posted."
    )
    assert not call.done.is_set()
    post_all(mb, ["late"])
    got = call.finish("the blocked wait(), after post('late')")
    assert got == "late", f"the blocked wait() returned {got!r}, expected 'late'"


def test_wait_timeout_raises_timeout_error():
    mb = Mailbox()
    with pytest.raises(TimeoutError):
        call_with_deadline(mb.wait, timeout=0.05, what="wait(timeout=0.05) on an empty mailbox")
    post_all(mb, ["kept"])
    got = call_with_deadline(mb.wait, timeout=0.05,
                             what="wait(timeout=0.05) with an item in the mailbox")
    assert got == "kept", (
        f"after a wait() that timed out, post('kept') then wait(timeout=0.05) returned {got!r}: "
        "a wait that timed out must take nothing, and an item that is there is returned "
        "without waiting"
    )
    with pytest.raises(TimeoutError):
        call_with_deadline(mb.wait, timeout=0.05,
                           what="wait(timeout=0.05) after the only item was taken")


def test_timed_wait_returns_item_posted_later():
    mb = Mailbox()
    call = start_call(mb.wait, timeout=DEADLINE)
    assert wait_until_blocked(call.thread), (
        f"wait(timeout={DEADLINE:g}) on an empty mailbox did not block: {call.outcome()}"
    )
    post_all(mb, ["soon"])
    got = call.finish(f"wait(timeout={DEADLINE:g}), after post('soon')")
    assert got == "soon", f"the timed wait() returned {got!r}, expected 'soon'"


# --- many threads ------------------------------------------------------------------


def test_many_posters_and_waiters():
    posters, waiters, per_thread = 3, 3, 40
    mb = Mailbox()
    got = [[] for _ in range(waiters)]

    def poster(k):
        def run():
            for i in range(per_thread):
                mb.post((k, i))
        return run

    def waiter(k):
        def run():
            for _ in range(per_thread):
                got[k].append(mb.wait())
        return run

    with inject_switches(semaphore):
        run_in_threads([waiter(k) for k in range(waiters)] + [poster(k) for k in range(posters)],
                       timeout=DEADLINE,
                       what=f"{posters} posting and {waiters} waiting threads")
    flat = [x for part in got for x in part]
    expected = sorted((k, i) for k in range(posters) for i in range(per_thread))
    if sorted(flat) != expected:
        raise RaceFound(
            f"{posters} threads posted {len(expected)} items and {waiters} threads took "
            f"{len(flat)}, but items were lost or taken twice (thread switches injected with "
            f"seed {base_seed()}). Change the items under a lock, or use deque's append and "
            "popleft, which are safe on their own."
        )
    for part in got:
        for k in range(posters):
            mine = [i for (p, i) in part if p == k]
            assert mine == sorted(mine), "one poster's items came out of order (not oldest first)"


# --- no busy-waiting ---------------------------------------------------------------


@pytest.mark.lesson
@pytest.mark.cpu_sensitive
def test_wait_does_not_busy_wait():
    mb = Mailbox()
    ratio = busy_cpu_ratio(mb.wait, release=lambda: post_all(mb, ["x"]))
    assert ratio < BUSY_LIMIT, (
        f"wait() on an empty mailbox used {ratio:.0%} of a CPU while it waited: a busy-wait "
        "loop that keeps checking. Block in semaphore.acquire() instead; it uses no CPU "
        "until post() releases it."
    )


@pytest.mark.lesson
@pytest.mark.cpu_sensitive
def test_timed_wait_does_not_busy_wait():
    mb = Mailbox()
    ratio = busy_cpu_ratio(lambda: mb.wait(timeout=DEADLINE), release=lambda: post_all(mb, ["x"]))
    assert ratio < BUSY_LIMIT, (
        f"wait(timeout={DEADLINE:g}) on an empty mailbox used {ratio:.0%} of a CPU while it "
        "waited: a busy-wait loop that checks the clock. Pass the timeout on: "
        "semaphore.acquire(timeout=timeout) blocks without using CPU and returns False "
        "when the time is up."
    )
