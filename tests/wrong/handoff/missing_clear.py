# catches: a missing `Event.clear()` (a stale result)
# fails: test_two_submissions_in_a_row_get_their_own_results, test_many_submissions_in_a_row
"""One slot, producers serialised by a lock; the "done" Event is never cleared,
so from the second submission on, submit returns the previous result."""

import threading


class Handoff:
    def __init__(self):
        self._producers = threading.Lock()
        self._item = None
        self._result = None
        self._request = threading.Event()
        self._done = threading.Event()

    def submit(self, item, timeout=None):
        with self._producers:
            self._item = item
            self._request.set()
            if not self._done.wait(timeout):
                raise TimeoutError("no server answered")
            # missing: self._done.clear()
            return self._result

    def serve(self, handler):
        while True:
            self._request.wait()
            self._request.clear()
            self._result = handler(self._item)
            self._done.set()
