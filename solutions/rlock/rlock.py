"""A counter whose locked methods call each other: a reentrant lock (RLock)
lets the thread that holds it take it again."""

import threading


class SafeCounter:
    """A counter that many threads update and read at once."""

    def __init__(self):
        self._value = 0
        # An RLock: incr(), decr() and add_many() hold it and then call add(),
        # which takes it again. A plain Lock would wait for itself forever.
        self._lock = threading.RLock()

    def add(self, n):
        """Add ``n`` to the counter."""
        with self._lock:
            self._value += n

    def incr(self):
        """Add 1."""
        with self._lock:
            self.add(1)

    def decr(self):
        """Subtract 1."""
        with self._lock:
            self.add(-1)

    def add_many(self, values):
        """Add every value of ``values`` as one atomic batch: no reader sees
        the counter with only part of the batch added."""
        with self._lock:
            for n in values:
                self.add(n)

    def snapshot(self):
        """The current value (never in the middle of a batch)."""
        with self._lock:
            return self._value
