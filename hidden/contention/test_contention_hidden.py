"""Hidden tests for the contention exercise.

The effect of the hog is judged by medians of interleaved repeats with a wide
margin (a spinning hog makes the response time about 50 times longer; the tests
ask for 5), never by a fixed number of milliseconds. That the hog stopped is
shown by the threads that are still alive and by CPU time, not by wall time.
"""

from __future__ import annotations

import statistics
import threading
import time

import contention
import pytest

from grader.testing import (
    call_with_deadline,
    is_test_call,
    stop_spinning,
    thread_cpu_time,
    wait_until,
    with_cpu_share,
)

DEADLINE = 10.0  # seconds for one io_latency call: generous, so only a hang trips it
MAX_TRIES = 25  # runs with the hog, until one of them shows its effect
SPUN = 0.3  # share of one CPU the process uses in a run where the hog did spin
ROUNDS = 15
# rounds of a call that measures the hog's effect: on a busy machine a new thread may get
# its first CPU only some 20 ms after it started, and 60 rounds (about 60 ms even without
# the hog) outlast such a late start
HOG_ROUNDS = 60


def io_latency(rounds: int, cpu_hog: bool) -> float:
    return call_with_deadline(contention.io_latency, rounds, cpu_hog, deadline=DEADLINE,
                              what=f"io_latency({rounds}, cpu_hog={cpu_hog})")


def stop_spinning_leftovers() -> None:
    """Clean up after a failing solution: a hog left running would slow down
    every later test (the grader also does this after each test)."""
    stop_spinning(threading.enumerate(), [contention.__file__])


@pytest.fixture(autouse=True)
def no_leftover_hogs():
    stop_spinning_leftovers()  # also those of the public tests, run before these
    yield
    stop_spinning_leftovers()


def process_cpu_share(window: float = 0.3) -> float:
    """The share of one CPU the whole process used during ``window`` seconds
    (this thread sleeps meanwhile: a measuring window, not synchronisation)."""
    cpu, wall = time.process_time(), time.monotonic()
    time.sleep(window)
    return (time.process_time() - cpu) / max(time.monotonic() - wall, 1e-9)


@pytest.mark.parametrize("cpu_hog", [False, True])
def test_returns_seconds(cpu_hog):
    latency = io_latency(ROUNDS, cpu_hog)
    assert isinstance(latency, float), f"io_latency should return a float, got {latency!r}"
    assert 0 < latency < 0.5, (
        f"io_latency({ROUNDS}, {cpu_hog}) returned {latency!r}: expected a response time in "
        "seconds, a few milliseconds at most. Subtract time.perf_counter() values and return "
        "the median of the rounds."
    )


def test_single_round():
    latency = io_latency(1, False)
    assert isinstance(latency, float) and 0 < latency < 0.5, (
        f"io_latency(1, False) returned {latency!r}: with one round, the median is that "
        "round's response time"
    )


@pytest.mark.lesson
@pytest.mark.cpu_sensitive
def test_spinning_hog_slows_the_echo():
    """The hog's effect must show in a run where the hog did spin. On a busy
    machine the hog can be off the CPU for long stretches, waiting for the GIL
    it gave up, and meanwhile nothing slows the echo: such a run proves
    nothing, so the test tries again, up to MAX_TRIES times. A hog that sleeps
    never spins, so no run of it can pass."""
    quiet, seen, shares = [], [], []
    for _ in range(MAX_TRIES):  # interleaved: a busy moment of the machine hits both
        quiet.append(io_latency(HOG_ROUNDS, False))
        latency, share = with_cpu_share(io_latency, HOG_ROUNDS, True)  # a spinning hog: ~100%
        stop_spinning_leftovers()  # (another test checks that the hog stopped)
        shares.append(share)
        if share < SPUN:
            continue
        seen.append(latency)
        if latency > 5 * statistics.median(quiet):
            return
    assert seen, (
        f"in {MAX_TRIES} runs of io_latency({HOG_ROUNDS}, cpu_hog=True) the process used at most "
        f"{max(shares):.0%} of a CPU: the hog did not spin. A hog that sleeps (time.sleep, "
        "Event.wait) or waits releases the GIL and changes nothing; it must run Python "
        "bytecode (a loop that counts) until it is told to stop."
    )
    q, h = statistics.median(quiet), max(seen)
    pytest.fail(
        f"in {len(seen)} runs where the hog did spin, the response time was at most "
        f"{h * 1e3:.3f} ms with it, against a median of {q * 1e3:.3f} ms without it; a hog that "
        "spins in Python holds the GIL, so the woken echo and client threads wait for a "
        "switch interval (5 ms) and the response time should be many times longer. Check "
        "that the client sleeps PAUSE seconds before each request and counts the time from "
        "`due` (the end of the pause): the hog takes the GIL while the client is idle.",
        pytrace=False)


@pytest.mark.lesson
@pytest.mark.parametrize("cpu_hog", [True, False])
def test_no_thread_left_running(cpu_hog):
    before = set(threading.enumerate())
    io_latency(ROUNDS, cpu_hog)

    def left() -> list[threading.Thread]:
        return [t for t in threading.enumerate()
                if t not in before and not is_test_call(t)]

    if not wait_until(lambda: not left(), timeout=1.5):
        still = left()
        cpu = {t.name: thread_cpu_time(t) for t in still}
        time.sleep(0.2)  # a measuring window
        growing = [t.name for t in still if thread_cpu_time(t) - cpu[t.name] > 0.02]
        pytest.fail(
            f"1.5 s after io_latency({ROUNDS}, cpu_hog={cpu_hog}) returned, threads it started "
            f"still run: {sorted(t.name for t in still)}"
            + (f"; {growing} still burn CPU" if growing else "")
            + ". Stop the hog before returning (set the Event its loop checks, then join() "
            "it), and end the echo thread (close the client socket: its recv returns b\"\"; "
            "then join() it). Use try/finally so it happens on an error too.",
            pytrace=False,
        )
    share = process_cpu_share()
    assert share < 0.3, (
        f"after io_latency returned, the process still used {share:.0%} of a CPU while the "
        "test was idle: something io_latency started is still spinning. Stop the hog "
        "before returning."
    )
