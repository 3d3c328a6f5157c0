# catches: `notify` without holding the lock
# fails: test_notify_while_holding_the_lock, test_fifo_single_thread, test_get_blocks_while_empty
import threading
from collections import deque


class BoundedBuffer:
    def __init__(self, capacity):
        self.capacity = capacity
        self.items = deque()
        lock = threading.Lock()
        self.not_full = threading.Condition(lock)
        self.not_empty = threading.Condition(lock)

    def put(self, item, timeout=None):
        with self.not_full:
            while len(self.items) >= self.capacity:
                if not self.not_full.wait(timeout):
                    raise TimeoutError("buffer full")
            self.items.append(item)
        self.not_empty.notify()  # too late: the lock was released above

    def get(self, timeout=None):
        with self.not_empty:
            while not self.items:
                if not self.not_empty.wait(timeout):
                    raise TimeoutError("buffer empty")
            item = self.items.popleft()
        self.not_full.notify()
        return item
