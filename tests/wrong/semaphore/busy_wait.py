# catches: busy-waiting (CPU time while blocked)
# fails: test_wait_does_not_busy_wait, test_timed_wait_does_not_busy_wait
import threading
import time
from collections import deque


class Mailbox:
    """Keeps every item, but waits by checking again and again."""

    def __init__(self):
        self.items = deque()
        self.lock = threading.Lock()

    def post(self, item):
        with self.lock:
            self.items.append(item)

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self.lock:
                if self.items:
                    return self.items.popleft()
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError("nothing posted")
            time.sleep(0)
