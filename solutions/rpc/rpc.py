"""Remote procedure calls with XML-RPC (after D. Beazley's XML-RPC example,
in Python 3.11)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from xmlrpc.client import ServerProxy
from xmlrpc.server import SimpleXMLRPCServer


def serve_in_background(funcs: dict[str, Callable[..., Any]]) -> tuple[SimpleXMLRPCServer, int]:
    """Serve ``funcs`` over XML-RPC on 127.0.0.1, on a port the OS picks, from a
    daemon thread. Returns ``(server, port)``; ``server.shutdown()`` stops it."""
    server = SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False, allow_none=True)
    try:
        for name, fn in funcs.items():
            server.register_function(fn, name)
        thread = threading.Thread(target=server.serve_forever, name="xmlrpc-server",
                                  daemon=True)
        thread.start()
    except BaseException:
        server.server_close()
        raise
    return server, server.server_address[1]


def call_remote(port: int, name: str, *args: Any) -> Any:
    """Call the function ``name`` of the server on 127.0.0.1:``port``."""
    with ServerProxy(f"http://127.0.0.1:{port}/", allow_none=True) as proxy:
        return getattr(proxy, name)(*args)
