# catches: the stub itself
# fails: test_post_then_wait, test_wait_blocks_until_a_post, test_two_posts_two_waits, test_wait_timeout, test_posts_before_waits_keep_every_item, test_interleaved_posts_and_waits_fifo, test_two_posts_then_two_waits, test_two_posts_then_two_timed_waits, test_two_waiters_then_two_posts, test_wait_blocks_until_post, test_wait_timeout_raises_timeout_error, test_timed_wait_returns_item_posted_later, test_many_posters_and_waiters, test_wait_does_not_busy_wait, test_timed_wait_does_not_busy_wait
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
