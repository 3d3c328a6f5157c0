# catches: (extra) one lock for every function decorated with synchronized()
# fails: test_different_functions_have_different_locks
"""synchronized() with no lock falls back to one module-wide lock: unrelated
functions wait for each other (and one calling the other would hang)."""

import functools
import threading

_default = threading.Lock()


def synchronized(lock=None):
    def decorate(fn):
        the_lock = lock if lock is not None else _default

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with the_lock:
                return fn(*args, **kwargs)

        return wrapper

    return decorate
