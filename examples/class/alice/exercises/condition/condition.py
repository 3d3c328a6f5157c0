"""Two Conditions on one RLock, explicit acquire/release in try/finally, and
wait_for with the remaining time (wait_for keeps its own deadline)."""

from threading import Condition, RLock


class BoundedBuffer:
    def __init__(self, capacity):
        self._cap = capacity
        self._buf = [None] * capacity  # a ring buffer
        self._head = 0
        self._count = 0
        lock = RLock()
        self._can_put = Condition(lock)
        self._can_get = Condition(lock)

    def put(self, item, timeout=None):
        self._can_put.acquire()
        try:
            if not self._can_put.wait_for(lambda: self._count < self._cap, timeout):
                raise TimeoutError("no room in the buffer")
            self._buf[(self._head + self._count) % self._cap] = item
            self._count += 1
            self._can_get.notify()
        finally:
            self._can_put.release()

    def get(self, timeout=None):
        self._can_get.acquire()
        try:
            if not self._can_get.wait_for(lambda: self._count > 0, timeout):
                raise TimeoutError("no item in the buffer")
            item = self._buf[self._head]
            self._buf[self._head] = None
            self._head = (self._head + 1) % self._cap
            self._count -= 1
            self._can_put.notify()
            return item
        finally:
            self._can_get.release()
