# catches: one condition with `notify()` for both "not full" and "not empty" (lost wake-up: a stall)
# fails: test_many_producers_and_consumers_one_slot
# kind: stall
import threading
from collections import deque


class BoundedBuffer:
    def __init__(self, capacity):
        self.capacity = capacity
        self.items = deque()
        self.cond = threading.Condition()

    def put(self, item, timeout=None):
        with self.cond:
            while len(self.items) >= self.capacity:
                if not self.cond.wait(timeout):
                    raise TimeoutError
            self.items.append(item)
            self.cond.notify()

    def get(self, timeout=None):
        with self.cond:
            while not self.items:
                if not self.cond.wait(timeout):
                    raise TimeoutError
            item = self.items.popleft()
            self.cond.notify()
            return item
