"""A decorator factory that makes a function run holding a lock."""

import functools
import threading


def synchronized(lock=None):
    """Decorator factory: ``@synchronized()`` or ``@synchronized(some_lock)``.

    The decorated function runs while holding ``lock``; when no lock is given,
    each decorated function gets its own new ``threading.Lock`` (made once,
    when the function is decorated, and shared by all its calls).
    """

    def decorate(fn):
        fn_lock = threading.Lock() if lock is None else lock

        @functools.wraps(fn)  # keep fn's __name__, __doc__, __module__, ...
        def wrapper(*args, **kwargs):
            with fn_lock:  # released even when fn raises
                return fn(*args, **kwargs)

        return wrapper

    return decorate
