"""Hidden tests for the limiter exercise (ConcurrencyLimiter on BoundedSemaphore).

(When a test fails, the threads it left waiting are left waiting on purpose, as
daemons: freeing them would let their thread ids be reused by later tests,
which confuses the grader's stall detection.)

Every limiter test runs in both forms, ``with limiter:`` and ``@limiter``.
Concurrency is shown by the order of events, never by a clock: ``n`` callers
meet inside at a ``Barrier(n)`` (a limit below ``n`` makes them wait for each
other forever, which the deadline helpers and the grader's stall check cut
short); the next caller is seen blocked (``wait_until_blocked``) while ``n``
are inside, and enters only after one has left.
"""

import contextlib
import threading

import limiter as limiter_module
import pytest
from limiter import ConcurrencyLimiter

from grader.testing import (
    DeadlineExceeded,
    PeakCounter,
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
FORMS = ["with", "decorator"]


class Boom(Exception):
    """Raised by a test's body inside the limiter."""


def guarded(limiter, form, body):
    """``body`` run holding a slot of ``limiter``, as a with-block or via ``@limiter``."""
    if form == "with":
        def run(*args, **kwargs):
            with limiter:
                return body(*args, **kwargs)
        return run
    return limiter(body)


def label(form):
    return "`with limiter:`" if form == "with" else "a function decorated with `@limiter`"


def meet_inside(limiter, form, n, what):
    """``n`` callers that each wait inside the limiter until all ``n`` are inside."""
    peak = PeakCounter()
    everyone_inside = threading.Barrier(n)

    def body():
        with peak:
            everyone_inside.wait()

    run = guarded(limiter, form, body)
    try:
        run_in_threads([run] * n, timeout=DEADLINE, what=what)
    except DeadlineExceeded as exc:
        raise DeadlineExceeded(
            f"{n} callers of {label(form)} (n={n}) never were inside at the same time: at "
            f"most {peak.peak} got in, the others waited for a slot, and those inside waited "
            f"for the others. The limiter must let {n} callers in at once (a Lock lets only "
            f"one in; use threading.BoundedSemaphore(n)).\n{exc}"
        ) from None
    return peak


def hold(limiter, forms):
    """One caller per form, each holding a slot until ``leave`` is set; returns
    once all are inside."""
    leave = threading.Event()
    calls = []
    for i, form in enumerate(forms):
        inside = threading.Event()

        def body(inside=inside):
            inside.set()
            leave.wait()

        calls.append(start_call(guarded(limiter, form, body)))
        call_with_deadline(inside.wait, what=f"holder {i} ({label(form)}) getting inside")
    return calls, leave


# --- n callers inside at once, the next one waits ------------------------------------


@pytest.mark.lesson
@pytest.mark.parametrize("form", FORMS)
def test_n_callers_inside_at_once(form):
    limiter = ConcurrencyLimiter(3)
    peak = meet_inside(limiter, form, 3, "3 callers meeting inside a limiter of n=3")
    assert peak.peak == 3, f"expected 3 callers inside at once, saw at most {peak.peak}"


@pytest.mark.lesson
@pytest.mark.parametrize("form", FORMS)
def test_extra_caller_waits_until_one_leaves(form):
    n = 3
    limiter = ConcurrencyLimiter(n)
    peak = PeakCounter()
    events = []
    inside = [threading.Event() for _ in range(n)]
    leave = [threading.Event() for _ in range(n)]

    def holder(i):
        with peak:
            events.append(f"holder {i} in")
            inside[i].set()
            leave[i].wait()
            events.append(f"holder {i} out")

    def extra():
        with peak:
            events.append("extra in")

    run_holder, run_extra = guarded(limiter, form, holder), guarded(limiter, form, extra)
    holders = [start_call(run_holder, i) for i in range(n)]
    for i in range(n):
        call_with_deadline(inside[i].wait, what=f"holder {i} getting inside")
    late = start_call(run_extra)
    blocked = wait_until_blocked(late.thread)
    assert blocked and "extra in" not in events, (
        f"with {n} callers inside {label(form)} (n={n}), a 4th one got in too "
        f"(events: {events}; {late.outcome()}). It must wait until one of the {n} leaves."
    )
    leave[0].set()
    late.finish(f"the 4th caller, after holder 0 left {label(form)}")
    assert events.index("holder 0 out") < events.index("extra in"), (
        f"events in order: {events}: the 4th caller got in before a holder left"
    )
    assert peak.peak == n, f"expected at most {n} callers inside at once, saw {peak.peak}"
    for event in leave:
        event.set()
    for i, call in enumerate(holders):
        call.finish(f"holder {i}, after it was told to leave")


# --- a slot is freed when the body raises ------------------------------------------


@pytest.mark.lesson
@pytest.mark.parametrize("form", FORMS)
def test_slot_freed_when_body_raises(form):
    n = 3
    limiter = ConcurrencyLimiter(n)

    def body(k):
        raise Boom(f"failure {k}")

    run = guarded(limiter, form, body)
    for k in range(n):
        try:
            call_with_deadline(run, k, what=f"{label(form)} whose body raises (call {k + 1})")
        except Boom:
            continue
        pytest.fail(f"the body inside {label(form)} raised Boom, but the caller saw no "
                    "exception: the limiter must let exceptions through unchanged (__exit__ "
                    "must not return True; the wrapper must not catch them).", pytrace=False)
    try:
        meet_inside(limiter, form, n, f"{n} callers after {n} bodies raised")
    except DeadlineExceeded as exc:
        raise DeadlineExceeded(
            f"after {n} calls of {label(form)} (n={n}) whose body raised, {n} new callers "
            "could not all get in: the failing calls kept their slots. Release in a "
            "`finally:` block (or write the wrapper with `with self:`), so the slot is given "
            f"back on every way out.\n{exc}"
        ) from None


# --- releasing more than acquired: ValueError, and the capacity stays n -----------------


@pytest.mark.lesson
def test_stray_release_raises_value_error():
    limiter = ConcurrencyLimiter(2)

    def expect_value_error(when):
        try:
            call_with_deadline(limiter.release, what=f"release() {when}")
        except ValueError:
            return
        pytest.fail(f"release() {when} did not raise ValueError. More releases than "
                    "acquires must raise ValueError; with a plain Semaphore each stray "
                    "release silently adds a slot. Use threading.BoundedSemaphore(n).",
                    pytrace=False)

    expect_value_error("on a new limiter, before any acquire")
    call_with_deadline(guarded(limiter, "with", lambda: None), what="a `with limiter:` block")
    expect_value_error("after a `with limiter:` block had given its slot back")
    call_with_deadline(guarded(limiter, "decorator", lambda: None), what="a decorated call")
    expect_value_error("after a decorated call had given its slot back")


@pytest.mark.lesson
@pytest.mark.parametrize("form", FORMS)
def test_capacity_unchanged_after_stray_release(form):
    n = 2
    limiter = ConcurrencyLimiter(n)
    for _ in range(2):
        with contextlib.suppress(ValueError):
            call_with_deadline(limiter.release, what="a stray release()")
    peak = PeakCounter()
    inside = [threading.Event() for _ in range(n)]
    leave = threading.Event()

    def holder(i):
        with peak:
            inside[i].set()
            leave.wait()

    def extra():
        with peak:
            pass

    run_holder, run_extra = guarded(limiter, form, holder), guarded(limiter, form, extra)
    holders = [start_call(run_holder, i) for i in range(n)]
    for i in range(n):
        call_with_deadline(inside[i].wait, what=f"holder {i} getting inside")
    late = start_call(run_extra)
    assert wait_until_blocked(late.thread) and peak.peak == n, (
        f"after two stray release() calls on a limiter of n={n}, {n} callers were inside "
        f"{label(form)} and one more got in too ({late.outcome()}; {peak.peak} inside at "
        "once): the stray releases added slots. A plain Semaphore does that; a "
        "BoundedSemaphore raises ValueError instead and keeps n slots."
    )
    leave.set()
    late.finish("the extra caller, after the holders left")
    for i, call in enumerate(holders):
        call.finish(f"holder {i}, after it was told to leave")


@pytest.mark.lesson
def test_acquire_and_release():
    limiter = ConcurrencyLimiter(1)

    def steps():  # in one thread, as a caller would use them
        seen = {"acquire() on a free limiter": limiter.acquire(timeout=0.05)}
        seen["acquire(timeout=0.05) with the only slot taken"] = limiter.acquire(timeout=0.05)
        limiter.release()
        seen["acquire(timeout=0.05) after a release()"] = limiter.acquire(timeout=0.05)
        limiter.release()
        try:
            limiter.release()
        except ValueError:
            seen["one release() more than acquired"] = "ValueError"
        else:
            seen["one release() more than acquired"] = "no error"
        return seen

    seen = call_with_deadline(steps, what="acquire()/release() in one thread (n=1)")
    expected = {"acquire() on a free limiter": True,
                "acquire(timeout=0.05) with the only slot taken": False,
                "acquire(timeout=0.05) after a release()": True,
                "one release() more than acquired": "ValueError"}
    wrong = [f"{step}: expected {expected[step]!r}, got {got!r}"
             for step, got in seen.items() if got != expected[step]]
    assert not wrong, (
        "acquire(timeout=...) returns True when it got a slot and False when the time ran out; "
        "release() raises ValueError past n. " + "; ".join(wrong)
    )


# --- the decorator keeps the function's results and exceptions ----------------------------


def test_decorator_keeps_return_value_and_arguments():
    limiter = ConcurrencyLimiter(2)

    @limiter
    def combine(a, b, *rest, sep="-"):
        return sep.join([a, b, *rest])

    got = call_with_deadline(combine, "x", "y", "z", sep="+", what="a decorated combine()")
    assert got == "x+y+z", (
        f"combine('x', 'y', 'z', sep='+') decorated with @limiter returned {got!r}, expected "
        "'x+y+z': the wrapper must pass on *args and **kwargs and return fn's result"
    )

    @limiter
    def nothing():
        return None

    assert call_with_deadline(nothing, what="a decorated function returning None") is None


@pytest.mark.lesson
def test_decorator_keeps_exceptions():
    limiter = ConcurrencyLimiter(1)
    error = KeyError("missing")

    @limiter
    def lookup():
        raise error

    with pytest.raises(KeyError) as caught:
        call_with_deadline(lookup, what="a decorated function that raises KeyError")
    assert caught.value is error, (
        f"the decorated function raised KeyError('missing'), the caller got {caught.value!r}: "
        "let the exception go through unchanged"
    )
    got = call_with_deadline(guarded(limiter, "decorator", lambda: "ok"),
                             what="a decorated call after one that raised (n=1)")
    assert got == "ok"


@pytest.mark.lesson
def test_with_and_decorator_share_slots():
    limiter = ConcurrencyLimiter(2)
    peak = PeakCounter()
    everyone_inside = threading.Barrier(2)

    def body():
        with peak:
            everyone_inside.wait()

    run_in_threads([guarded(limiter, "with", body), guarded(limiter, "decorator", body)],
                   timeout=DEADLINE, what="a `with` block and a decorated call, n=2")
    holders, leave = hold(limiter, ["with", "decorator"])
    late = start_call(guarded(limiter, "decorator", lambda: None))
    assert wait_until_blocked(late.thread), (
        "with a `with limiter:` block and a decorated call both holding a slot of n=2, a "
        f"third (decorated) caller got in too ({late.outcome()}): both forms must use "
        "the same slots"
    )
    leave.set()
    for call in [*holders, late]:
        call.finish("a caller, after the holders left")


# --- many threads, and no busy-waiting -------------------------------------------------


def test_many_threads_never_more_than_n():
    n, threads, calls = 2, 6, 15
    limiter = ConcurrencyLimiter(n)
    peak = PeakCounter()

    @limiter
    def work(i):
        with peak:
            return i * i

    def worker():
        return [work(i) for i in range(calls)]

    with inject_switches(limiter_module):
        results = run_in_threads([worker] * threads, timeout=DEADLINE,
                                 what=f"{threads} threads calling a decorated function")
    if not (peak.peak <= n):
        raise RaceFound(
            f"{threads} threads called a function decorated with a limiter of n={n}, and "
            f"{peak.peak} were inside at once (thread switches injected with seed "
            f"{base_seed()}). If you count slots yourself, change the count under a lock, "
            "or use threading.BoundedSemaphore."
        )
    assert results == [[i * i for i in range(calls)]] * threads


@pytest.mark.cpu_sensitive
@pytest.mark.parametrize("form", FORMS)
def test_waiting_caller_does_not_busy_wait(form):
    limiter = ConcurrencyLimiter(1)
    holders, leave = hold(limiter, [form])
    ratio = busy_cpu_ratio(guarded(limiter, form, lambda: None), release=leave.set)
    holders[0].finish("the holder, after it was told to leave")
    assert ratio < BUSY_LIMIT, (
        f"a caller waiting for a slot of {label(form)} used {ratio:.0%} of a CPU while it "
        "waited: a busy-wait loop. Block in the semaphore's acquire() instead."
    )
