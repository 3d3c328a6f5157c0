"""A closure that copies __name__ and __doc__ by hand (no functools), with an
RLock by default (also a correct mutex for one function)."""

from threading import RLock


def synchronized(lock=None):
    def decorate(fn):
        guard = RLock() if lock is None else lock

        def inner(*args, **kwargs):
            with guard:
                return fn(*args, **kwargs)

        inner.__name__ = fn.__name__
        inner.__qualname__ = fn.__qualname__
        inner.__doc__ = fn.__doc__
        return inner

    return decorate
