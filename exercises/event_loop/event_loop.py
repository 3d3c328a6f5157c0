"""Event-driven I/O: an echo server for many clients in one thread, on selectors.

Write echo_server (see README.md), then check your work with
`grader check event_loop`.
"""

import selectors  # noqa: F401 - you will need it
import socket  # noqa: F401


def echo_server(listen_sock, stop_event):
    """Echo every byte each client sends back to that client, serving many
    clients at once in this one thread (a selector, non-blocking sockets).

    ``listen_sock`` is bound and listening already. Return once ``stop_event``
    (a threading.Event) is set, with every client connection closed.
    """
    raise NotImplementedError("echo_server")
