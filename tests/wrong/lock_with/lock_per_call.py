# catches: a new lock per call
# fails: test_new_lock_per_function_keeps_out_concurrent_calls, test_second_call_waits_for_the_first
"""With no lock given, the wrapper makes a new Lock on every call: each call
holds its own private lock, so no two calls ever exclude each other."""

import functools
import threading


def synchronized(lock=None):
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with lock if lock is not None else threading.Lock():
                return fn(*args, **kwargs)

        return wrapper

    return decorate
