# catches: busy-waiting (CPU time while blocked)
# fails: test_submit_does_not_busy_wait
"""Per-request slots, but submit polls for its answer instead of waiting on an Event."""

import threading
import time


class Handoff:
    def __init__(self):
        self._cond = threading.Condition()
        self._pending = []

    def submit(self, item, timeout=None):
        box = {"item": item}
        with self._cond:
            self._pending.append(box)
            self._cond.notify()
        end = None if timeout is None else time.monotonic() + timeout
        while "result" not in box:
            if end is not None and time.monotonic() > end:
                raise TimeoutError("no server answered")
        return box["result"]

    def serve(self, handler):
        while True:
            with self._cond:
                while not self._pending:
                    self._cond.wait()
                box = self._pending.pop(0)
            box["result"] = handler(box["item"])
