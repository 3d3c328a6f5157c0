"""Launching threads: run calls concurrently.

Write run_concurrently (see README.md), then check your work with
`grader check launch`.
"""

import threading  # noqa: F401 - you will need it
import time  # noqa: F401 - useful for the timeout


def run_concurrently(func, arg_tuples, timeout=None):
    """Call ``func(*args)`` for every tuple in ``arg_tuples``, each in its own
    thread, all at the same time.

    Return the results as a list in the order of ``arg_tuples``. If a call
    raised an exception, re-raise the first one. Raise TimeoutError if the
    calls have not all finished within ``timeout`` seconds (None: no limit).
    """
    raise NotImplementedError("run_concurrently")
