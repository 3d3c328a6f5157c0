# catches: (extra) the wrapper's own name and docstring instead of the function's
# fails: test_keeps_name_and_docstring
"""Correct locking, but without functools.wraps every decorated function is
called `wrapper` and has no docstring."""

import threading


def synchronized(lock=None):
    def decorate(fn):
        the_lock = lock if lock is not None else threading.Lock()

        def wrapper(*args, **kwargs):
            with the_lock:
                return fn(*args, **kwargs)

        return wrapper

    return decorate
