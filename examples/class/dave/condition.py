"""My bounded buffer."""
import threading


class BoundedBuffer:
    def __init__(self, capacity):
        self.capacity = capacity
        self.items = []
        self.cond = threading.Condition()

    def put(self, item, timeout=None)
        with self.cond:
            self.items.append(item)
