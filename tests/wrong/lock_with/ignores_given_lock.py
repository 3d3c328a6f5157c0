# catches: (extra) the lock passed in is ignored: a new lock is always made
# fails: test_given_lock_is_the_one_held, test_functions_sharing_a_lock_exclude_each_other
"""Each decorated function always gets a new lock of its own, even when the
caller passes the lock to use: functions meant to share a lock don't."""

import functools
import threading


def synchronized(lock=None):
    def decorate(fn):
        own = threading.Lock()

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with own:
                return fn(*args, **kwargs)

        return wrapper

    return decorate
