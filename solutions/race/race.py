"""A counter shared by many threads: every read-modify-write holds one lock."""

import threading


class Counter:
    """A counter that many threads increment and decrement at once."""

    def __init__(self) -> None:
        self._value = 0
        # One lock per counter, made once: every thread must use the same lock.
        self._lock = threading.Lock()

    def increment(self, n: int = 1) -> None:
        """Add ``n`` to the counter."""
        with self._lock:
            self._value += n

    def decrement(self, n: int = 1) -> None:
        """Subtract ``n`` from the counter."""
        with self._lock:
            self._value -= n

    @property
    def value(self) -> int:
        """The current value."""
        with self._lock:
            return self._value
