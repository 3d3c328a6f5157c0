# catches: the stub itself
# fails: test_submit_returns_the_handlers_result, test_submit_times_out_without_a_server, test_two_submissions_in_a_row_get_their_own_results, test_many_submissions_in_a_row, test_producer_waiting_while_the_server_is_busy, test_many_producers_at_once, test_submit_before_the_server_starts, test_submit_while_the_server_is_busy_is_not_lost, test_submit_does_not_busy_wait
"""Events for notification: hand items to a server thread and wait for the result.

Write class Handoff (see README.md), then check your work with
`grader check handoff`.
"""

import threading  # noqa: F401 - you will need it


class Handoff:
    """Producers submit items; a server thread processes them and hands each
    result back to the producer that submitted the item."""

    def __init__(self):
        # TODO: where submitted items wait, and how the threads are notified.
        pass

    def submit(self, item, timeout=None):
        """Block until a server has processed ``item``; return its result.

        Raise TimeoutError if no server answers within ``timeout`` seconds
        (``None``: wait as long as it takes).
        """
        raise NotImplementedError("Handoff.submit")

    def serve(self, handler):
        """Process submissions forever: call ``handler(item)`` for each item and
        hand the result to the producer waiting for it. Run it in a daemon thread."""
        raise NotImplementedError("Handoff.serve")
