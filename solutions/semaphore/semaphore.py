"""Semaphores as signals: a mailbox whose waits block until an item is posted."""

import threading
from collections import deque


class Mailbox:
    """Items posted by any thread, each taken by exactly one wait(), oldest first."""

    def __init__(self):
        self._items = deque()
        self._lock = threading.Lock()
        self._available = threading.Semaphore(0)  # counts the items not yet taken

    def post(self, item):
        """Leave ``item`` in the mailbox and signal one waiter. Never blocks."""
        with self._lock:
            self._items.append(item)
        self._available.release()

    def wait(self, timeout=None):
        """Take and return the oldest item; block while there is none.

        Raise TimeoutError if no item comes within ``timeout`` seconds
        (``None``: wait as long as it takes).
        """
        if not self._available.acquire(timeout=timeout):
            raise TimeoutError(f"no item was posted within {timeout} s")
        with self._lock:
            return self._items.popleft()
