"""Semaphores as signals: a mailbox whose waits block until an item is posted.

Write Mailbox on threading.Semaphore (see README.md), then check your work
with `grader check semaphore`.
"""

import threading  # noqa: F401 - you will need it
from collections import deque  # noqa: F401 - you will need it


class Mailbox:
    """Items posted by any thread, each taken by exactly one wait(), oldest first."""

    def __init__(self):
        # TODO: the items, and a Semaphore(0) that counts them.
        pass

    def post(self, item):
        """Leave ``item`` in the mailbox and signal one waiter. Never blocks."""
        raise NotImplementedError("Mailbox.post")

    def wait(self, timeout=None):
        """Take and return the oldest item; block while there is none.

        Raise TimeoutError if no item comes within ``timeout`` seconds
        (``None``: wait as long as it takes).
        """
        raise NotImplementedError("Mailbox.wait")
