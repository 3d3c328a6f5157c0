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
