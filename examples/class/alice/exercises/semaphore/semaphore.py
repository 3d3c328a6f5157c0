# A correct Mailbox on a Condition instead of a Semaphore: wait_for re-checks the deque.
import threading
from collections import deque


class Mailbox:
    def __init__(self):
        self._items = deque()
        self._cond = threading.Condition()

    def post(self, item):
        with self._cond:
            self._items.append(item)
            self._cond.notify()

    def wait(self, timeout=None):
        with self._cond:
            if not self._cond.wait_for(lambda: self._items, timeout):
                raise TimeoutError("mailbox empty")
            return self._items.popleft()
