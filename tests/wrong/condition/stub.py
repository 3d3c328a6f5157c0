# catches: the stub itself
# fails: test_fifo_single_thread, test_fifo_through_threads, test_put_blocks_while_full, test_get_blocks_while_empty, test_get_timeout_raises_timeout_error, test_put_timeout_raises_timeout_error, test_get_rechecks_after_spurious_wakeup, test_put_rechecks_after_spurious_wakeup, test_many_producers_and_consumers_one_slot, test_notify_while_holding_the_lock
"""Producer-consumer with Condition variables: a bounded FIFO buffer.

Write BoundedBuffer on threading.Condition (see README.md), then check your work
with `grader check condition`.
"""

import threading  # noqa: F401 - you will need it


class BoundedBuffer:
    """A FIFO buffer holding at most ``capacity`` items, safe for many threads."""

    def __init__(self, capacity):
        self.capacity = capacity
        # TODO: the items, a lock, and the Condition(s) that threads wait on.

    def put(self, item, timeout=None):
        """Add ``item`` at the end; block while the buffer is full.

        Raise TimeoutError if no room appears within ``timeout`` seconds
        (``None``: wait as long as it takes).
        """
        raise NotImplementedError("BoundedBuffer.put")

    def get(self, timeout=None):
        """Remove and return the oldest item; block while the buffer is empty.

        Raise TimeoutError if no item arrives within ``timeout`` seconds
        (``None``: wait as long as it takes).
        """
        raise NotImplementedError("BoundedBuffer.get")
