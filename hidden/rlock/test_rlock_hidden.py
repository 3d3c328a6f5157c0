"""Hidden tests for the rlock exercise.

- A plain Lock re-acquired by its holder (incr() holding it and calling add())
  hangs: every call is made through ``call_with_deadline``, so the grader
  reports the self-deadlock (status ``deadlock``) within a fraction of a second,
  and plain pytest fails the test after the deadline.
- A batch must be atomic for readers. Deterministically, by event order: a
  subclass's ``add`` starts a reader after each item of a batch that goes
  through ``add``, and the reader must either wait for the batch or see none or
  all of it. Generally: a reader thread takes snapshots while a writer adds
  batches, with thread switches injected between the bytecodes of rlock.py.
- Lost updates are provoked with ``inject_switches``.
"""

import threading

import pytest
import rlock
from rlock import SafeCounter

from grader.testing import (
    DeadlineExceeded,
    RaceFound,
    base_seed,
    call_with_deadline,
    inject_switches,
    run_in_threads,
    start_call,
    wait_until_blocked,
)

DEADLINE = 5.0  # seconds; every call here takes microseconds when it is right

SELF_DEADLOCK = (
    "{call} never returned: it takes the counter's lock and then calls add(), which "
    "takes the same lock again. A threading.Lock blocks even the thread that already "
    "holds it, so the thread waits for itself forever (a self-deadlock). Use a "
    "threading.RLock (reentrant lock): the thread that holds it may acquire it again, "
    "and it is free once every acquire has been matched by a release."
)


def _call(fn, *args, what):
    try:
        return call_with_deadline(fn, *args, deadline=DEADLINE, what=what)
    except DeadlineExceeded as exc:
        raise AssertionError(f"{SELF_DEADLOCK.format(call=what)}\n{exc}") from None


def _value(c):
    return _call(c.snapshot, what="snapshot()")


# --- the methods call each other under the lock ------------------------------


@pytest.mark.lesson
def test_incr_returns():
    c = SafeCounter()
    _call(c.incr, what="incr()")
    _call(c.incr, what="incr()")
    assert _value(c) == 2, f"a new counter incremented twice should read 2, got {_value(c)}"


@pytest.mark.lesson
def test_decr_returns():
    c = SafeCounter()
    _call(c.decr, what="decr()")
    assert _value(c) == -1, f"a new counter decremented once should read -1, got {_value(c)}"


@pytest.mark.lesson
def test_add_many_returns():
    c = SafeCounter()
    _call(c.add, 10, what="add(10)")
    _call(c.add_many, [1, 2, 3], what="add_many([1, 2, 3])")
    _call(c.add_many, (n for n in (4, 5)), what="add_many(a generator of 4 and 5)")
    _call(c.add_many, [], what="add_many([])")
    assert _value(c) == 25, (
        f"add(10), add_many([1, 2, 3]), add_many of a generator yielding 4 and 5, and "
        f"add_many([]) should give 25, got {_value(c)} (add_many must accept any iterable, "
        "and go through it once)"
    )


@pytest.mark.lesson
def test_incr_and_decr_call_add_under_the_lock():
    """incr() and decr() call add() while holding the lock (the task says so,
    and it is why the lock must be reentrant): while add() runs for incr(),
    another thread's add() must wait."""
    calls, others = [], []
    probe = {"next": False}

    class Recording(SafeCounter):
        def add(self, n):
            calls.append(n)
            if probe["next"]:  # the first add() of incr(), then of decr()
                probe["next"] = False
                other = start_call(SafeCounter.add, self, 100)
                others.append((other, wait_until_blocked(other.thread)))
            super().add(n)

    c = Recording()
    probe["next"] = True
    _call(c.incr, what="incr()")
    probe["next"] = True
    _call(c.decr, what="decr()")
    assert calls[:1] == [1] and -1 in calls, (
        f"incr() should call self.add(1) and decr() self.add(-1) (see the task); add() was "
        f"called with {calls}"
    )
    for other, _ in others:
        other.finish("another thread's add(100), once incr()/decr() returned",
                     deadline=DEADLINE)
    waited = [blocked for _, blocked in others]
    assert all(waited), (
        "while incr() (or decr()) was running add(), another thread's add(100) did not "
        "have to wait: incr() and decr() should hold the lock themselves and call add() "
        "under it, as the task asks (with a reentrant lock, add() can take it again)."
    )
    assert _value(c) == 200, f"incr(), decr() and two add(100) should give 200, got {_value(c)}"


# --- no lost updates -------------------------------------------------------------


@pytest.mark.lesson
def test_concurrent_incr_and_decr_lose_nothing():
    c = SafeCounter()
    per_thread = 200

    def incrementer():
        for _ in range(per_thread):
            c.incr()

    def decrementer():
        for _ in range(per_thread // 2):
            c.decr()

    def adder():
        for _ in range(per_thread // 2):
            c.add(3)

    with inject_switches(rlock):
        run_in_threads([incrementer, incrementer, decrementer, adder], timeout=20,
                       what="the threads calling incr(), decr() and add(3)")
    expected = 2 * per_thread - per_thread // 2 + 3 * (per_thread // 2)
    got = _value(c)
    if got != expected:
        raise RaceFound(
            f"two threads called incr() {per_thread} times, one decr() {per_thread // 2} times "
            f"and one add(3) {per_thread // 2} times: expected {expected}, got {got}. Updates "
            "were lost: hold the counter's one lock around every read-modify-write. "
            f"(thread switches injected with seed {base_seed()})"
        )


# --- batches are atomic ----------------------------------------------------------


BATCH = [3, -1, -1, -1]  # adds up to 0: before and after a batch the counter reads 0


@pytest.mark.lesson
def test_batch_is_atomic_at_every_item():
    """After each item that add_many() adds through add(), a reader thread
    takes a snapshot: it must wait for the batch to end, or see it all."""
    early = []

    class Probe(SafeCounter):
        probing = False

        def add(self, n):
            super().add(n)
            if self.probing:
                reader = start_call(self.snapshot)
                blocked = wait_until_blocked(reader.thread)
                readers.append(reader)
                if not blocked and reader.done.is_set() and reader.error is None:
                    early.append(reader.result)

    for batch in (BATCH, [5, 5, -10]):
        readers = []
        c = Probe()
        c.probing = True
        _call(c.add_many, batch, what=f"add_many({batch})")
        c.probing = False
        seen = [r.finish("a snapshot() taken during add_many()", deadline=DEADLINE)
                for r in readers]
        partial = [v for v in early if v != 0]
        assert not partial, (
            f"While add_many({batch}) was running on a counter at 0, another thread's "
            f"snapshot() returned {partial[0]}: it saw part of the batch. add_many() must "
            "hold the lock around the WHOLE batch (not just each add()), and snapshot() "
            "must take the lock too, so that a reader waits until the batch is complete."
        )
        assert all(v == 0 for v in seen), (
            f"the snapshots taken during add_many({batch}) on a counter at 0 returned "
            f"{seen}; each should be 0 (before or after the whole batch)"
        )
        assert _value(c) == 0


@pytest.mark.lesson
def test_reader_never_sees_a_partial_batch():
    c = SafeCounter()
    batches = 150
    done = threading.Event()
    seen = []

    def writer():
        try:
            for _ in range(batches):
                c.add_many(BATCH)
        finally:
            done.set()

    def reader():
        while not done.is_set():
            value = c.snapshot()
            if value != 0:
                seen.append(value)

    with inject_switches(rlock, probability=0.05):
        run_in_threads([writer, reader], timeout=20,
                       what="a thread adding batches and a thread reading snapshots")
    if seen:
        raise RaceFound(
            f"one thread called add_many({BATCH}) {batches} times (each batch adds up to 0) "
            f"while another took snapshots: every snapshot should be 0, but {len(seen)} were "
            f"not (e.g. {seen[0]}): the reader saw a batch half done. Hold the lock around "
            "the whole loop of add_many(), and take it in snapshot() too. "
            f"(thread switches injected with seed {base_seed()})"
        )
    assert _value(c) == 0
