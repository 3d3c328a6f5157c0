# catches: busy-waiting
# fails: test_get_does_not_busy_wait, test_put_does_not_busy_wait
import threading
import time
from collections import deque


class BoundedBuffer:
    """Thread-safe, but waits by checking again and again."""

    def __init__(self, capacity):
        self.capacity = capacity
        self.items = deque()
        self.lock = threading.Lock()

    def put(self, item, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self.lock:
                if len(self.items) < self.capacity:
                    self.items.append(item)
                    return
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError("buffer full")

    def get(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self.lock:
                if self.items:
                    return self.items.popleft()
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError("buffer empty")
