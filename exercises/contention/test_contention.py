"""Public tests for the contention exercise. Run them with `grader check contention`
(or `pytest` in this folder)."""

from __future__ import annotations

import statistics
import threading

import contention
import pytest

from grader.testing import call_with_deadline, wait_until, with_cpu_share

DEADLINE = 10.0  # seconds: a hang fails the test with a stack instead of blocking forever


def io_latency(rounds: int, cpu_hog: bool) -> float:
    return call_with_deadline(contention.io_latency, rounds, cpu_hog, deadline=DEADLINE,
                              what=f"io_latency({rounds}, cpu_hog={cpu_hog})")


def test_returns_seconds():
    latency = io_latency(10, False)
    assert isinstance(latency, float), f"io_latency should return a float, got {latency!r}"
    assert 0 < latency < 0.5, (
        f"io_latency(10, False) returned {latency!r}: a one-byte echo between two threads "
        "takes far less than a second. Return seconds (time.perf_counter() differences)."
    )


@pytest.mark.lesson
@pytest.mark.cpu_sensitive
def test_hog_slows_the_echo():
    """On a busy machine the hog can be off the CPU for a while, and then nothing
    slows the echo: the test tries again, and counts only runs where the hog spun."""
    quiet, seen = [], []
    for _ in range(15):  # interleaved, so a busy moment of the machine hits both
        quiet.append(io_latency(60, False))
        latency, cpu = with_cpu_share(io_latency, 60, True)
        if cpu < 0.3:  # the hog hardly ran
            continue
        seen.append(latency)
        if latency > 5 * statistics.median(quiet):
            return
    assert seen, ("with cpu_hog=True the process hardly used the CPU: the hog did not spin. "
                  "It must compute (a loop that counts), not sleep or wait.")
    pytest.fail(
        f"median response time without a hog {statistics.median(quiet) * 1e3:.3f} ms, with the "
        f"hog at most {max(seen) * 1e3:.3f} ms: a thread spinning in Python should make the "
        "echo many times slower. Does the client pause PAUSE seconds before each request, "
        "with the time counted from `due`?", pytrace=False)


@pytest.mark.lesson
def test_threads_end():
    before = set(threading.enumerate())
    io_latency(5, True)
    assert wait_until(lambda: not set(threading.enumerate()) - before, timeout=1.5), (
        f"threads still running after io_latency returned: "
        f"{sorted(t.name for t in set(threading.enumerate()) - before)}. Stop the hog and "
        "the echo thread, and join() them, before returning."
    )
