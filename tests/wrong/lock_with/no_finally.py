# catches: the lock left held after an exception
# fails: test_lock_released_after_an_exception, test_given_lock_released_after_an_exception
"""acquire(), call, release(): when the function raises, release() is skipped
and the lock stays held, so the next call waits for ever."""

import functools
import threading


def synchronized(lock=None):
    def decorate(fn):
        the_lock = lock if lock is not None else threading.Lock()

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            the_lock.acquire()
            result = fn(*args, **kwargs)
            the_lock.release()
            return result

        return wrapper

    return decorate
