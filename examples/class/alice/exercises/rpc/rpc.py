"""Correct, another style: a threading XML-RPC server class (one thread per
request, daemon threads), functions registered through an instance with a
dispatcher, a short poll interval, and a proxy closed by hand."""

from __future__ import annotations

import socketserver
import threading
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer


class _Quiet(SimpleXMLRPCRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class ThreadedServer(socketserver.ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True


class _Dispatch:
    def __init__(self, funcs):
        self._funcs = dict(funcs)

    def _dispatch(self, method, params):
        try:
            fn = self._funcs[method]
        except KeyError:
            raise Exception(f'method "{method}" is not supported') from None  # noqa: TRY002
        return fn(*params)


def _serve(server):
    server.serve_forever(poll_interval=0.05)


def serve_in_background(funcs):
    server = ThreadedServer(("127.0.0.1", 0), requestHandler=_Quiet, allow_none=True)
    server.register_instance(_Dispatch(funcs))
    worker = threading.Thread(target=_serve, args=(server,))
    worker.daemon = True
    worker.start()
    host, port = server.socket.getsockname()
    return server, port


def call_remote(port, name, *args):
    proxy = xmlrpc.client.ServerProxy("http://127.0.0.1:%d" % port, allow_none=True)
    try:
        return proxy.__getattr__(name)(*args)
    finally:
        proxy("close")()
