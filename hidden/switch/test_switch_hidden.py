"""Hidden tests for the switch exercise.

The interval tests read sys.getswitchinterval() inside and after the block. The
heartbeat tests compare wall-clock gaps with wide margins: a CPU-bound work()
keeps the GIL for a whole switch interval before the heartbeat thread gets a
turn, so a long interval (150 ms) gives gaps of about 150 ms and a short one
(0.5 ms) gaps of a few ms. A busy machine only ever adds to a gap (the whole
process, or the heartbeat thread alone, waits for a CPU: over 100 ms was seen
beside two gradings and four CPU hogs), so each gap is judged by the lowest of
interleaved repeats, and repeats go on (up to ROUNDS) while a busy machine may
be what hides the right answer. The mistakes these tests catch (the total time
instead of the longest gap, a heartbeat that does not beat during the work or
does not sleep between beats) fail every repeat.
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import Callable

import pytest
import switch

from grader.testing import call_with_deadline, wait_until
from grader.testing.tasks import spin

LONG, SHORT = 0.15, 0.0005
ROUNDS = 3, 7  # at least, at most: repeats go on only while the verdict would be "fail"

pytestmark = pytest.mark.timeout_s(60)


@pytest.fixture(autouse=True)
def keep_interval():
    """Whatever the student's code does, the next test starts with the default."""
    old = sys.getswitchinterval()
    yield old
    sys.setswitchinterval(old)


def use(seconds):
    try:
        return switch.switch_interval(seconds)
    except AttributeError as exc:
        pytest.fail(f"switch_interval({seconds}) raised AttributeError: {exc}. "
                    "sys.setcheckinterval() (ticks, Python 2) is gone in Python 3.9+; "
                    "use sys.setswitchinterval(seconds) and sys.getswitchinterval().",
                    pytrace=False)


def enter(cm):
    try:
        return cm.__enter__()
    except AttributeError as exc:
        pytest.fail(f"entering switch_interval raised AttributeError: {exc}. "
                    "sys.setcheckinterval() (ticks, Python 2) is gone in Python 3.9+; "
                    "use sys.setswitchinterval(seconds) and sys.getswitchinterval().",
                    pytrace=False)


@pytest.mark.lesson
def test_interval_set_inside_the_block(keep_interval):
    cm = use(0.0123)
    enter(cm)
    try:
        inside = sys.getswitchinterval()
    finally:
        cm.__exit__(None, None, None)
    assert inside == pytest.approx(0.0123, rel=1e-3), (
        f"inside `with switch_interval(0.0123):` sys.getswitchinterval() should be 0.0123, "
        f"it was {inside}"
    )


@pytest.mark.lesson
def test_interval_restored_after_the_block(keep_interval):
    sys.setswitchinterval(0.0077)
    cm = use(0.02)
    enter(cm)
    cm.__exit__(None, None, None)
    after = sys.getswitchinterval()
    assert after == pytest.approx(0.0077, rel=1e-3), (
        f"the interval was 0.0077 before `with switch_interval(0.02):` and {after} after it: "
        "save sys.getswitchinterval() before setting the new one and set it back at the end"
    )


@pytest.mark.lesson
def test_interval_restored_after_an_exception(keep_interval):
    sys.setswitchinterval(0.0066)

    class Boom(Exception):
        pass

    raised = None
    try:
        with use(0.03):
            raise Boom("raised inside the with block")
    except Boom as exc:
        raised = exc
    after = sys.getswitchinterval()
    assert raised is not None, (
        "an exception raised inside `with switch_interval(...):` must propagate, not be "
        "swallowed (a context manager's __exit__ returning True, or a bare except, hides it)"
    )
    assert after == pytest.approx(0.0066, rel=1e-3), (
        f"the interval was 0.0066 before the block and {after} after an exception in it: "
        "restore the old value in a `finally:` (around the `yield` of a @contextmanager), "
        "or in __exit__, which also runs when the block raises"
    )


@pytest.mark.lesson
def test_nested_blocks(keep_interval):
    sys.setswitchinterval(0.004)
    with use(0.01):
        with use(0.02):
            innermost = sys.getswitchinterval()
        middle = sys.getswitchinterval()
    outer = sys.getswitchinterval()
    assert (innermost, middle, outer) == pytest.approx((0.02, 0.01, 0.004), rel=1e-3), (
        f"nested blocks 0.01 then 0.02 (starting from 0.004): saw {innermost} inside both, "
        f"{middle} after the inner one, {outer} after both; each block must restore the value "
        "it found"
    )


@pytest.mark.parametrize("bad", [0, -0.01])
def test_rejects_non_positive(bad, keep_interval):
    sys.setswitchinterval(0.0055)
    with pytest.raises(ValueError):
        with use(bad):
            pass
    assert sys.getswitchinterval() == pytest.approx(0.0055, rel=1e-3), (
        f"switch_interval({bad}) should raise ValueError and leave the interval unchanged"
    )


def gap(work, what: str) -> float:
    result = call_with_deadline(switch.max_heartbeat_gap, work, deadline=10, what=what)
    assert isinstance(result, (int, float)) and not isinstance(result, bool), (
        f"max_heartbeat_gap should return a float (seconds), got {result!r}"
    )
    return float(result)


def rounds(measure: Callable[[], None], good: Callable[[], bool]) -> int:
    """Run ``measure`` ROUNDS[0] times, then again while ``good()`` is false, up to
    ROUNDS[1] times in all: noise only lengthens gaps, so more repeats can only
    bring a right answer's lowest gap down to its true value. Returns the count."""
    done = 0
    while done < ROUNDS[0] or (done < ROUNDS[1] and not good()):
        measure()
        done += 1
    return done


@pytest.mark.lesson
@pytest.mark.cpu_sensitive
def test_long_interval_gives_longer_gaps():
    work = functools.partial(spin, 0.35)  # CPU-bound: keeps the GIL until forced to switch
    longs, shorts = [], []

    def measure() -> None:
        sys.setswitchinterval(LONG)
        longs.append(gap(work, "max_heartbeat_gap(spin) with a 150 ms interval"))
        sys.setswitchinterval(SHORT)
        shorts.append(gap(work, "max_heartbeat_gap(spin) with a 0.5 ms interval"))

    def good() -> bool:
        return min(longs) >= 0.5 * LONG and min(longs) > 2.5 * min(shorts)

    n = rounds(measure, good)
    assert good(), (
        f"while a CPU-bound work() ran, the heartbeat's longest gap was {min(longs) * 1000:.1f} ms "
        f"with a 150 ms switch interval and {min(shorts) * 1000:.1f} ms with 0.5 ms (the lowest "
        f"of {n} runs each). Expected about 150 ms and a few ms: the work keeps the GIL for a "
        "whole interval before the heartbeat thread gets a turn. Does the heartbeat thread "
        "record a time at every beat (time.perf_counter()), beat while work() runs in the "
        "calling thread, and do you return the largest difference between consecutive beats?"
    )


@pytest.mark.cpu_sensitive
def test_blocking_work_lets_the_heartbeat_run():
    sys.setswitchinterval(LONG)
    gaps: list[float] = []
    n = rounds(lambda: gaps.append(gap(functools.partial(time.sleep, 0.15),
                                       "max_heartbeat_gap(time.sleep)")),
               lambda: min(gaps) < 0.6 * LONG)
    assert min(gaps) < 0.6 * LONG, (
        f"work() only slept (time.sleep releases the GIL), yet the heartbeat's longest gap "
        f"was {min(gaps) * 1000:.1f} ms (the lowest of {n} runs): the heartbeat should beat "
        "about every `period` while the work sleeps. Does the heartbeat sleep `period` between "
        "beats?"
    )


def test_heartbeat_thread_is_stopped():
    before = set(threading.enumerate())
    gap(functools.partial(spin, 0.02), "max_heartbeat_gap(spin)")
    left = lambda: [t for t in threading.enumerate() if t not in before and t.is_alive()]  # noqa: E731
    assert wait_until(lambda: not left(), timeout=3.0), (
        f"max_heartbeat_gap returned while its heartbeat thread still runs: {left()}. "
        "Tell it to stop (an Event or a flag) and join() it before returning."
    )
