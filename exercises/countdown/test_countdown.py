"""Public tests for CountdownThread. Run them with `grader check countdown`.

The hidden tests check more: which thread does the work, that creating the
object does nothing yet, that start() returns at once, the range and the delay.
"""

import threading

import pytest
from countdown import CountdownThread

from grader.testing import call_with_deadline


def start_and_join(t):
    try:
        call_with_deadline(t.start, what="start()")
        call_with_deadline(t.join, what="join()")
    except RuntimeError as exc:
        pytest.fail(
            f"RuntimeError: {exc}. Did __init__ call super().__init__()? Did you override "
            "start()? (Override run() only.)", pytrace=False)


def test_is_a_thread():
    t = CountdownThread(3, [])
    assert isinstance(t, threading.Thread)
    try:
        alive = t.is_alive()
    except AssertionError:
        pytest.fail("Thread.__init__ was not called: start __init__ with super().__init__()",
                    pytrace=False)
    assert not alive, "a thread that was only created must not be running yet"


def test_counts_down():
    out = []
    t = CountdownThread(3, out)
    start_and_join(t)
    assert out == [(t.name, 3), (t.name, 2), (t.name, 1)]


def test_runs_in_the_new_thread():
    seen = []

    class Watched(list):
        def append(self, item):
            seen.append(threading.current_thread())
            super().append(item)

        def __iadd__(self, items):
            seen.append(threading.current_thread())
            return super().__iadd__(items)

        def extend(self, items):
            seen.append(threading.current_thread())
            super().extend(items)

    t = CountdownThread(2, Watched())
    start_and_join(t)
    assert seen and all(th is t for th in seen), (
        f"items were appended by {[th.name for th in seen]}, expected only by {t.name!r}: "
        "count in run(), and let Thread's own start() call it in the new thread"
    )
