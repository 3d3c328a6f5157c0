"""One Condition, numbered tickets, and a dict of results by ticket."""

import itertools
from collections import deque
from threading import Condition


class Handoff:
    def __init__(self):
        self.cond = Condition()
        self.tickets = itertools.count()
        self.waiting = deque()
        self.results = {}

    def submit(self, item, timeout=None):
        with self.cond:
            ticket = next(self.tickets)
            self.waiting.append((ticket, item))
            self.cond.notify_all()
            if not self.cond.wait_for(lambda: ticket in self.results, timeout):
                self.waiting = deque(w for w in self.waiting if w[0] != ticket)
                raise TimeoutError("timed out")
            return self.results.pop(ticket)

    def serve(self, handler):
        while True:
            with self.cond:
                self.cond.wait_for(lambda: self.waiting)
                ticket, item = self.waiting.popleft()
            result = handler(item)
            with self.cond:
                self.results[ticket] = result
                self.cond.notify_all()
