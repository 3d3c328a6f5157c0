"""One Condition for both reasons to wait, woken with notify_all and waited on
with wait_for (which re-checks the predicate after every wake-up)."""

import threading


class BoundedBuffer:
    def __init__(self, capacity):
        self.capacity = capacity
        self.items = []
        self.cond = threading.Condition()

    def put(self, item, timeout=None):
        with self.cond:
            if not self.cond.wait_for(lambda: len(self.items) < self.capacity, timeout):
                raise TimeoutError("buffer stayed full")
            self.items.append(item)
            self.cond.notify_all()

    def get(self, timeout=None):
        with self.cond:
            if not self.cond.wait_for(lambda: self.items, timeout):
                raise TimeoutError("buffer stayed empty")
            item = self.items.pop(0)
            self.cond.notify_all()
            return item
