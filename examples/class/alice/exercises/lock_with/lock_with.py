"""A class as the decorator: the lock is made in __call__ (once per decorated
function), update_wrapper copies the name and docstring, and the lock is taken
with acquire() and released in finally."""

import functools
import threading


class synchronized:  # noqa: N801 - the API name
    def __init__(self, lock=None):
        self.lock = lock

    def __call__(self, fn):
        lock = self.lock if self.lock is not None else threading.Lock()

        def wrapper(*args, **kwargs):
            lock.acquire()
            try:
                result = fn(*args, **kwargs)
            finally:
                lock.release()
            return result

        functools.update_wrapper(wrapper, fn)
        return wrapper
