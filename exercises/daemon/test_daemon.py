"""Public tests for start_heartbeat. Run them with `grader check daemon`.

The hidden tests check more: that a program with a heartbeat can exit, no
deprecated setDaemon, a prompt stop, no drift, and no busy-waiting.
"""

import threading

from daemon import start_heartbeat

from grader.testing import wait_until


def test_daemon_thread_that_beats_and_stops():
    calls = []
    stop = threading.Event()
    try:
        # called from the test's main thread, which is not a daemon thread
        t = start_heartbeat(0.02, lambda: calls.append(1), stop)
        assert isinstance(t, threading.Thread) and t.is_alive()
        assert t.daemon, "the heartbeat must be a daemon thread (daemon=True)"
        assert wait_until(lambda: len(calls) >= 3, 5), "callback() was not called 3 times in 5 s"
    finally:
        stop.set()
    t.join(5)
    assert not t.is_alive(), "the heartbeat did not stop within 5 s after its stop event was set"
