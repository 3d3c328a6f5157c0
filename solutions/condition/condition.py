"""Producer-consumer with Condition variables: a bounded FIFO buffer.

One lock guards the buffer; two Conditions share it, one per reason to wait
("not full" for producers, "not empty" for consumers), so ``notify()`` always
wakes a thread that can make progress.
"""

import threading
import time
from collections import deque


class BoundedBuffer:
    """A FIFO buffer holding at most ``capacity`` items."""

    def __init__(self, capacity):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._items = deque()
        self._lock = threading.Lock()
        self._not_full = threading.Condition(self._lock)
        self._not_empty = threading.Condition(self._lock)

    def put(self, item, timeout=None):
        """Add ``item``; block while the buffer is full.

        Raises ``TimeoutError`` if no room appears within ``timeout`` seconds.
        """
        with self._not_full:
            self._wait(self._not_full, lambda: len(self._items) < self._capacity, timeout)
            self._items.append(item)
            self._not_empty.notify()

    def get(self, timeout=None):
        """Remove and return the oldest item; block while the buffer is empty.

        Raises ``TimeoutError`` if no item arrives within ``timeout`` seconds.
        """
        with self._not_empty:
            self._wait(self._not_empty, lambda: len(self._items) > 0, timeout)
            item = self._items.popleft()
            self._not_full.notify()
            return item

    @staticmethod
    def _wait(cond, ready, timeout):
        """Wait on ``cond`` (held) until ``ready()``; re-check after every wake-up."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not ready():
            if deadline is None:
                cond.wait()
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"timed out after {timeout} s")
                cond.wait(remaining)
