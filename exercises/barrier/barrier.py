"""Events as a barrier: start worker threads that wait for initialisation.

Write start_workers (see README.md), then check your work with
`grader check barrier`.
"""

import threading  # noqa: F401 - you will need it


def start_workers(n, init, work):
    """Run ``init()`` once, in a thread of its own, and start ``n`` worker
    threads; worker ``i`` waits until ``init()`` has returned, then calls
    ``work(i)``.

    Return the list of the ``n`` started worker threads at once, without
    waiting for ``init()`` or for the workers.
    """
    raise NotImplementedError("start_workers")
