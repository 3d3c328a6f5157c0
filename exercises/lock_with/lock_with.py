"""Locks and the with statement: a synchronized decorator.

Write synchronized(lock=None) (see README.md), then check your work with
`grader check lock_with`.
"""

import functools  # noqa: F401 - you will need it
import threading  # noqa: F401 - you will need it


def synchronized(lock=None):
    """Decorator factory: ``@synchronized()`` or ``@synchronized(some_lock)``.

    The decorated function must run while holding ``lock``; when no lock is
    given, each decorated function gets a new ``threading.Lock`` of its own.
    The decorated function keeps the original's name and docstring.
    """

    def decorate(fn):
        # TODO: return a wrapper that calls fn while holding the lock.
        raise NotImplementedError("synchronized")

    return decorate
