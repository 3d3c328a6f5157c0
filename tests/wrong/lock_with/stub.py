# catches: the stub itself (nothing implemented)
# fails: test_keeps_name_and_docstring, test_given_lock_is_the_one_held, test_new_lock_per_function_keeps_out_concurrent_calls, test_second_call_waits_for_the_first, test_different_functions_have_different_locks, test_functions_sharing_a_lock_exclude_each_other, test_lock_released_after_an_exception, test_given_lock_released_after_an_exception
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
