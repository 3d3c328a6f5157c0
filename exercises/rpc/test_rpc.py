"""Public tests for the rpc exercise. Run them with `grader check rpc`
(or `pytest` in this folder)."""

from __future__ import annotations

import rpc

from grader.testing import call_with_deadline


def add(a, b):
    return a + b


def greet(name):
    return f"hello, {name}"


def test_call_a_remote_function():
    server, port = call_with_deadline(rpc.serve_in_background, {"add": add, "greet": greet},
                                      deadline=3, what="serve_in_background(funcs)")
    try:
        assert call_with_deadline(rpc.call_remote, port, "add", 2, 3, deadline=5,
                                  what="call_remote(port, 'add', 2, 3)") == 5
        assert call_with_deadline(rpc.call_remote, port, "greet", "world", deadline=5,
                                  what="call_remote(port, 'greet', 'world')") == "hello, world"
    finally:
        call_with_deadline(server.shutdown, deadline=5, what="server.shutdown()")
        server.server_close()
