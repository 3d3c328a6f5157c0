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
