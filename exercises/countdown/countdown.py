"""Threads as classes: a countdown thread.

Write CountdownThread (see README.md), then check your work with
`grader check countdown`.
"""

import threading
import time  # noqa: F401 - you will need it


class CountdownThread(threading.Thread):
    """A thread that counts down from ``count`` to 1.

    ``run()`` appends ``(self.name, n)`` to the list ``out`` for
    n = count, count - 1, ..., 1, sleeping ``delay`` seconds between steps.
    """

    def __init__(self, count, out, delay=0.0):
        # TODO: set up the Thread part of the object, then keep count, out, delay.
        raise NotImplementedError("CountdownThread.__init__")

    def run(self):
        # TODO: the countdown. It runs in the new thread once start() is called.
        raise NotImplementedError("CountdownThread.run")
