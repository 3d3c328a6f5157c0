"""Correct: a Thread subclass per call that keeps its own result or error,
an Event per call, a deadline computed once, and the earliest failure (by the
time it happened) re-raised."""

import itertools
import threading
import time

_order = itertools.count()


class _Call(threading.Thread):
    def __init__(self, func, args):
        super().__init__(daemon=True)
        self.func, self.args = func, args
        self.value = self.error = None
        self.failed_at = None
        self.finished = threading.Event()

    def run(self):
        try:
            self.value = self.func(*self.args)
        except Exception as exc:  # noqa: BLE001
            self.error, self.failed_at = exc, next(_order)
        finally:
            self.finished.set()


def run_concurrently(func, arg_tuples, timeout=None):
    calls = [_Call(func, tuple(args)) for args in arg_tuples]
    for c in calls:
        c.start()
    end = None if timeout is None else time.monotonic() + timeout
    for c in calls:
        left = None if end is None else max(0.0, end - time.monotonic())
        if not c.finished.wait(left):
            raise TimeoutError("run_concurrently: out of time")
    failed = [c for c in calls if c.failed_at is not None]
    if failed:
        raise min(failed, key=lambda c: c.failed_at).error
    return [c.value for c in calls]
