# catches: `serve_forever` in the calling thread
# fails: test_serve_in_background_returns_at_once, test_calls_reach_the_functions, test_two_servers_at_once, test_server_thread_is_daemon, test_shutdown_stops_the_server
from __future__ import annotations

from xmlrpc.client import ServerProxy
from xmlrpc.server import SimpleXMLRPCServer


def serve_in_background(funcs):
    server = SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False, allow_none=True)
    for name, fn in funcs.items():
        server.register_function(fn, name)
    server.serve_forever()  # never returns: the caller is stuck serving
    return server, server.server_address[1]


def call_remote(port, name, *args):
    with ServerProxy(f"http://127.0.0.1:{port}/", allow_none=True) as proxy:
        return getattr(proxy, name)(*args)
