"""Hidden tests for the rpc exercise.

Every server a test starts is shut down and closed in the test's clean-up,
whatever the student's code did: ``socketserver.BaseServer.serve_forever`` is
wrapped to remember the servers that are serving, so even a server whose
``serve_forever`` runs in the wrong thread is stopped and its socket closed.
``serve_forever`` in the calling thread shows as a call that never returns
(a 3 s deadline); after the first such hang the other tests fail at once with
the same explanation, so a wrong solution costs seconds, not minutes.
"""

from __future__ import annotations

import socketserver
import threading
import xmlrpc.client

import pytest
import rpc

from grader.testing import DeadlineExceeded, call_with_deadline, run_in_threads, wait_until

DEADLINE = 3.0  # seconds: serve_in_background must return at once
CALL_DEADLINE = 5.0


def add(a, b):
    return a + b


def echo(x):
    return x


def whoami():
    return "first"


def whoami_too():
    return "second"


def shout(text):
    return text.upper() + "!"


@pytest.fixture
def serving(monkeypatch):
    """Wrap serve_forever to record the servers that serve; stop them all afterwards."""
    live: list[socketserver.BaseServer] = []
    seen: list[socketserver.BaseServer] = []
    real = socketserver.BaseServer.serve_forever

    def recording_serve_forever(self, *args, **kwargs):
        live.append(self)
        seen.append(self)
        try:
            return real(self, *args, **kwargs)
        finally:
            live.remove(self)

    monkeypatch.setattr(socketserver.BaseServer, "serve_forever", recording_serve_forever)
    try:
        yield seen
    finally:
        for server in list(live):
            try:
                call_with_deadline(server.shutdown, deadline=5, what="server.shutdown()")
            except Exception:  # noqa: BLE001, S110 - best effort clean-up
                pass
        for server in seen:
            try:
                server.server_close()
            except Exception:  # noqa: BLE001, S110 - best effort clean-up
                pass


def start(funcs):
    """serve_in_background(funcs) under a deadline; (server, port)."""
    try:
        result = call_with_deadline(rpc.serve_in_background, funcs, deadline=DEADLINE,
                                    what="serve_in_background(funcs)")
    except DeadlineExceeded as exc:
        pytest.fail(
            f"serve_in_background(funcs) did not return within {DEADLINE:g} s. It should "
            "start the server and return (server, port) at once, leaving the server "
            "running in a daemon thread. server.serve_forever() "
            "never returns by itself: called in the calling thread, it keeps the caller "
            "serving forever. Run it in a thread: threading.Thread(target=server."
            "serve_forever, daemon=True).start().\n\n" + str(exc), pytrace=False)
    assert isinstance(result, tuple) and len(result) == 2, (
        f"serve_in_background should return a tuple (server, port), got {result!r}")
    server, port = result
    assert isinstance(port, int) and port > 0, (
        f"the port should be the number the server listens on, got {port!r}; with port 0 the "
        "operating system picks a free one: read it from server.server_address[1]")
    return server, port


def stop(server):
    call_with_deadline(server.shutdown, deadline=CALL_DEADLINE, what="server.shutdown()")
    server.server_close()


def remote(port, name, *args):
    return call_with_deadline(rpc.call_remote, port, name, *args, deadline=CALL_DEADLINE,
                              what=f"call_remote({port}, {name!r}, ...)")


# ---------------------------------------------------------------- the basics

@pytest.mark.lesson
def test_serve_in_background_returns_at_once(serving):
    server, port = start({"add": add})
    try:
        assert remote(port, "add", 2, 3) == 5
    finally:
        stop(server)


@pytest.mark.lesson
def test_calls_reach_the_functions(serving):
    server, port = start({"add": add, "echo": echo, "shout": shout})
    try:
        assert remote(port, "add", 40, 2) == 42, "call_remote(port, 'add', 40, 2) should be 42"
        assert remote(port, "add", "con", "cat") == "concat"
        assert remote(port, "shout", "hello") == "HELLO!", (
            "each key of funcs should name its own function on the server")
        for value in (7, "text", [1, 2, [3, "four"]], {"k": [1, 2]}, 2.5, True):
            got = remote(port, "echo", value)
            assert got == value, (
                f"call_remote(port, 'echo', {value!r}) returned {got!r}; pass the arguments "
                "on unchanged: getattr(proxy, name)(*args)")
    finally:
        stop(server)


def test_server_listens_on_loopback(serving):
    server, port = start({"echo": echo})
    try:
        host, bound = server.server_address[:2]
        assert host == "127.0.0.1", (
            f"the server should listen on 127.0.0.1 only (this machine), not on {host!r}")
        assert bound == port, (
            f"serve_in_background returned port {port}, but the server listens on {bound}: "
            "return server.server_address[1], the port the operating system picked")
    finally:
        stop(server)


# ---------------------------------------------------------------- pitfalls

@pytest.mark.lesson
def test_two_servers_at_once(serving):
    servers = []
    try:
        first, port1 = start({"whoami": whoami})
        servers.append(first)
        try:
            second, port2 = start({"whoami": whoami_too})
        except OSError as exc:
            pytest.fail(
                f"starting a second server while the first one runs raised {exc!r}. Only one "
                "socket can listen on a port: a fixed port number works once, then fails "
                "(and fails too when another program uses that port). Bind to port 0 and let "
                "the operating system pick a free port; return the one it picked.",
                pytrace=False)
        servers.append(second)
        assert port1 != port2, f"two servers running at once both claim port {port1}"
        assert remote(port1, "whoami") == "first", "the first server should still answer"
        assert remote(port2, "whoami") == "second", "the second server should answer too"
    finally:
        for server in servers:
            stop(server)


@pytest.mark.lesson
def test_server_thread_is_daemon(serving):
    """Called from a plain (non-daemon) thread, so the daemon flag is not inherited."""
    before = set(threading.enumerate())
    box: dict[str, object] = {}

    def caller():
        try:
            box["result"] = rpc.serve_in_background({"echo": echo})
        except BaseException as exc:  # noqa: BLE001 - reported below
            box["error"] = exc

    plain = threading.Thread(target=caller, name="plain-caller")  # not a daemon
    plain.start()
    returned = wait_until(lambda: not plain.is_alive(), timeout=DEADLINE)
    if not returned:
        pytest.fail(
            f"serve_in_background did not return within {DEADLINE:g} s: it should start the "
            "server in a daemon thread and return at once, not call serve_forever itself.",
            pytrace=False)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    server, port = box["result"]  # type: ignore[misc]
    try:
        new = [t for t in threading.enumerate() if t not in before and t is not plain
               and t.is_alive()]
        assert new, "serve_in_background should start a thread that serves the requests"
        not_daemon = [t.name for t in new if not t.daemon]
        assert not not_daemon, (
            f"the server's thread {not_daemon} is not a daemon thread: a program that "
            "forgets server.shutdown() would then never exit. Create it with "
            "threading.Thread(target=server.serve_forever, daemon=True) (a thread inherits "
            "the daemon flag of the thread that starts it, so say it explicitly).")
        assert remote(port, "echo", "hi") == "hi"
    finally:
        stop(server)


@pytest.mark.lesson
def test_shutdown_stops_the_server(serving):
    before = set(threading.enumerate())
    server, port = start({"echo": echo})
    new = [t for t in threading.enumerate() if t not in before]
    stopped = False
    try:
        assert remote(port, "echo", 1) == 1
        stop(server)
        stopped = True
        assert wait_until(lambda: not any(t.is_alive() for t in new), timeout=CALL_DEADLINE), (
            f"after server.shutdown() the server's thread should end; still running: "
            f"{[t.name for t in new if t.is_alive()]}")
        with pytest.raises(OSError):
            remote(port, "echo", 2)
    finally:
        if not stopped:
            stop(server)


def test_calls_from_several_threads(serving):
    server, port = start({"add": add})
    try:
        results = run_in_threads([lambda i=i: rpc.call_remote(port, "add", i, 100)
                                  for i in range(6)],
                                 timeout=10, what="6 threads calling call_remote")
        assert results == [i + 100 for i in range(6)], (
            f"6 threads each called add(i, 100) and got {results}")
    finally:
        stop(server)


def test_unknown_function_is_a_fault(serving):
    server, port = start({"echo": echo})
    try:
        with pytest.raises(xmlrpc.client.Fault):
            remote(port, "no_such_function", 1)
        assert remote(port, "echo", "still here") == "still here", (
            "after a failed call the server should keep serving")
    finally:
        stop(server)
