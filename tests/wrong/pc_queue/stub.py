# catches: the stub itself
# fails: test_results_in_input_order, test_default_n_workers_and_any_iterable, test_empty_items, test_more_workers_than_items, test_several_workers_run_func, test_workers_wait_for_late_items, test_first_exception_is_reraised, test_exception_in_every_call
"""Producer-consumer with a Queue: parallel_map_threads (see README.md).

Check your work with `grader check pc_queue`.
"""

import queue  # noqa: F401 - you will need them
import threading  # noqa: F401


def parallel_map_threads(func, items, n_workers=4):
    """Return ``[func(x) for x in items]``, with the calls made by ``n_workers``
    worker threads fed by a ``queue.Queue``.

    Results are in input order; the first exception raised by ``func`` is
    re-raised; no thread is left running when this returns.
    """
    raise NotImplementedError("parallel_map_threads")
