# catches: the stub itself
# fails: test_increments_from_many_threads, test_decrements_from_many_threads, test_mixed_increments_and_decrements, test_increments_of_different_sizes, test_no_lost_updates_with_forced_switches
"""Fix the race: a counter shared by many threads.

This is the racy counter from the slides. ``self._value += n`` reads the
value, adds to it and writes it back: three steps, and another thread may
run between them. Make ``Counter`` safe to use from any number of threads
(see README.md), then run ``grader check race``.
"""


class Counter:
    """A counter that many threads increment and decrement at once."""

    def __init__(self) -> None:
        self._value = 0

    def increment(self, n: int = 1) -> None:
        """Add ``n`` to the counter."""
        self._value += n

    def decrement(self, n: int = 1) -> None:
        """Subtract ``n`` from the counter."""
        self._value -= n

    @property
    def value(self) -> int:
        """The current value."""
        return self._value
