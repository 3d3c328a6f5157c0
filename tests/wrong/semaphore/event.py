# catches: an Event (signals merge and get lost)
# fails: test_posts_before_waits_keep_every_item, test_two_posts_then_two_waits, test_two_posts_then_two_timed_waits
import threading
from collections import deque


class Mailbox:
    """Keeps every item, but signals with a flag: two posts set it once."""

    def __init__(self):
        self.items = deque()
        self.ready = threading.Event()

    def post(self, item):
        self.items.append(item)
        self.ready.set()

    def wait(self, timeout=None):
        if not self.ready.wait(timeout):
            raise TimeoutError("nothing posted")
        self.ready.clear()
        return self.items.popleft()
