# catches: `if` instead of `while` around `wait` (fails on a spurious or stolen wake-up)
# fails: test_get_rechecks_after_spurious_wakeup, test_put_rechecks_after_spurious_wakeup, test_get_waits_again_after_a_spurious_wakeup, test_many_producers_and_consumers_one_slot
# kind: stall
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
            if len(self.items) >= self.capacity:
                if not self.not_full.wait(timeout):
                    raise TimeoutError("buffer full")
            self.items.append(item)
            self.not_empty.notify()

    def get(self, timeout=None):
        with self.not_empty:
            if not self.items:
                if not self.not_empty.wait(timeout):
                    raise TimeoutError("buffer empty")
            item = self.items.popleft()
            self.not_full.notify()
            return item
