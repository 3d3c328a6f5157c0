# catches: a lost wake-up (hang, to be reported as a stall)
# fails: test_submit_before_the_server_starts
"""A Condition without a flag: a notify() sent while the server is not waiting
is lost, and the producer and the server then wait for each other forever."""

import threading


class Handoff:
    def __init__(self):
        self._producers = threading.Lock()
        self._cond = threading.Condition()
        self._item = None
        self._result = None

    def submit(self, item, timeout=None):
        with self._producers, self._cond:
            self._item = item
            self._cond.notify()  # wake the server (if it is waiting yet...)
            if not self._cond.wait(timeout):
                raise TimeoutError("no server answered")
            return self._result

    def serve(self, handler):
        with self._cond:
            while True:
                self._cond.wait()  # wait for an item
                self._result = handler(self._item)
                self._cond.notify()  # wake the producer
