# catches: a fixed port
# fails: test_two_servers_at_once
from __future__ import annotations

import threading
from xmlrpc.client import ServerProxy
from xmlrpc.server import SimpleXMLRPCServer

PORT = 18000 + 7  # one fixed port: a second server cannot listen on it


def serve_in_background(funcs):
    server = SimpleXMLRPCServer(("127.0.0.1", PORT), logRequests=False, allow_none=True)
    for name, fn in funcs.items():
        server.register_function(fn, name)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, PORT


def call_remote(port, name, *args):
    with ServerProxy(f"http://127.0.0.1:{port}/", allow_none=True) as proxy:
        return getattr(proxy, name)(*args)
