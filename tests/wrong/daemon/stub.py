# catches: the stub itself
# fails: test_returns_a_started_daemon_thread, test_calls_callback_repeatedly, test_stops_when_the_event_is_set, test_stops_promptly_without_waiting_for_the_next_beat, test_daemon_set_before_start_without_set_daemon, test_program_exits_while_the_heartbeat_runs, test_does_not_drift, test_does_not_busy_wait_between_beats
"""Daemonic threads: a heartbeat.

Write start_heartbeat (see README.md), then check your work with
`grader check daemon`.
"""

import threading  # noqa: F401 - you will need it
import time  # noqa: F401 - you will need it


def start_heartbeat(interval, callback, stop_event=None):
    """Start a daemon thread that calls ``callback()`` every ``interval``
    seconds until ``stop_event`` (a threading.Event) is set; with no
    stop_event, it beats until the program ends. Return the started thread.
    """
    raise NotImplementedError("start_heartbeat")
