"""A queue.Queue of requests, each with its own Event and result box."""

import queue
import threading


class Handoff:
    def __init__(self):
        self.requests = queue.Queue()

    def submit(self, item, timeout=None):
        done = threading.Event()
        box = []
        self.requests.put((item, done, box))
        if not done.wait(timeout=timeout):
            raise TimeoutError(f"no answer for {item!r}")
        return box[0]

    def serve(self, handler):
        while True:
            item, done, box = self.requests.get()
            box.append(handler(item))
            done.set()
