# catches: the stub itself
# fails: test_results_in_input_order, test_several_and_no_arguments, test_no_calls, test_each_call_runs_in_another_thread, test_calls_run_all_at_once, test_results_in_input_order_when_later_calls_finish_first, test_exception_is_reraised, test_exception_of_any_type_is_reraised, test_one_of_several_exceptions_is_reraised, test_timeout_raises_timeout_error, test_no_timeout_error_when_calls_are_quick, test_timeout_is_for_all_calls_together
"""Launching threads: run calls concurrently.

Write run_concurrently (see README.md), then check your work with
`grader check launch`.
"""

import threading  # noqa: F401 - you will need it
import time  # noqa: F401 - useful for the timeout


def run_concurrently(func, arg_tuples, timeout=None):
    """Call ``func(*args)`` for every tuple in ``arg_tuples``, each in its own
    thread, all at the same time.

    Return the results as a list in the order of ``arg_tuples``. If a call
    raised an exception, re-raise the first one. Raise TimeoutError if the
    calls have not all finished within ``timeout`` seconds (None: no limit).
    """
    raise NotImplementedError("run_concurrently")
