# catches: two producers overwriting one slot
# fails: test_producer_waiting_while_the_server_is_busy, test_many_producers_at_once
"""One item slot and one result slot shared by every producer, with no lock
around a whole submission: right for one producer, wrong for two."""

import threading


class Handoff:
    def __init__(self):
        self._item = None
        self._result = None
        self._request = threading.Event()
        self._done = threading.Event()

    def submit(self, item, timeout=None):
        self._done.clear()
        self._item = item
        self._request.set()
        if not self._done.wait(timeout):
            raise TimeoutError("no server answered")
        return self._result

    def serve(self, handler):
        while True:
            self._request.wait()
            self._request.clear()
            self._result = handler(self._item)
            self._done.set()
