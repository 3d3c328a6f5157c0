"""Events for notification: hand items to a server thread and wait for the result.

Every submission is a small request with its own result slot and its own
Event, so several producers never share (or overwrite) a slot and an Event is
never reused (no stale "done" left over from an earlier submission). Waiting
requests sit in a FIFO; a second Event, "work pending", tells the server that
the FIFO is not empty. It is set and cleared only while holding the lock that
guards the FIFO, so it is set exactly when there is something to do: a
submission made before the server waits (or while it is busy) is never lost.
"""

import threading
from collections import deque


class _Request:
    """One submission: the item, and where the server puts its answer."""

    def __init__(self, item):
        self.item = item
        self.result = None
        self.error = None
        self.done = threading.Event()


class Handoff:
    """Producers ``submit`` items; a server thread running ``serve`` processes
    them one at a time and hands each result back to its own producer."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pending = deque()
        self._work = threading.Event()  # set while self._pending is not empty

    def submit(self, item, timeout=None):
        """Block until a server has processed ``item``; return the result.

        Raises ``TimeoutError`` if no server answers within ``timeout`` seconds
        (``None``: wait as long as it takes). Re-raises what the handler raised.
        """
        request = _Request(item)
        with self._lock:
            self._pending.append(request)
            self._work.set()
        if not request.done.wait(timeout):
            with self._lock:
                if request in self._pending:  # not taken yet: withdraw it
                    self._pending.remove(request)
            if not request.done.is_set():
                raise TimeoutError(f"no server processed {item!r} within {timeout} s")
        if request.error is not None:
            raise request.error
        return request.result

    def serve(self, handler):
        """Process submissions forever: ``handler(item)`` for each, in order."""
        while True:
            self._work.wait()
            with self._lock:
                if not self._pending:
                    self._work.clear()
                    continue
                request = self._pending.popleft()
                if not self._pending:
                    self._work.clear()
            try:
                request.result = handler(request.item)
            except Exception as exc:  # handed to the producer, the server goes on
                request.error = exc
            request.done.set()
