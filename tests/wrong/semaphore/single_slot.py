# catches: a single item slot (posts overwrite each other)
# fails: test_posts_before_waits_keep_every_item, test_two_posts_then_two_waits, test_two_posts_then_two_timed_waits, test_interleaved_posts_and_waits_fifo
import threading


class Mailbox:
    """The tutorial's sema_signal.py in a class: one item, one semaphore."""

    def __init__(self):
        self.item = None
        self.done = threading.Semaphore(0)

    def post(self, item):
        self.item = item
        self.done.release()

    def wait(self, timeout=None):
        if not self.done.acquire(timeout=timeout):
            raise TimeoutError("nothing posted")
        return self.item
