"""Hidden tests for the event_loop exercise (echo_server on selectors).

Each test starts the student's echo_server in a daemon thread on a socket bound
to 127.0.0.1 port 0, talks to it through client sockets with timeouts, then sets
stop_event and waits (with a deadline) for echo_server to return. Nothing is
timed tightly: a reply that must come may keep the client waiting up to SILENCE
seconds between bytes (it takes milliseconds on a correct server). A blocked server is shown by the
order of events: the silent or slow client is in place first, then another
client must still get its echo. Threads are spotted by recording every
Thread.start made from the server's thread. Partial writes are forced with small
socket buffers (the accepted sockets inherit SO_SNDBUF from the listening socket)
and a client that sends megabytes before it reads any of them.
"""

from __future__ import annotations

import random
import socket
import threading
import time

import pytest
from event_loop import echo_server

from grader.testing import (
    ThreadStarts,
    busy_cpu_ratio,
    record_thread_starts,
    start_call,
    wait_until,
    wait_until_blocked,
)

SILENCE = 2.0           # seconds with no byte while an echo is owed: the server is stuck
                        # (a correct one answers within milliseconds)
BIG_DEADLINE = 10.0     # seconds for the whole of a big echo (about 0.2 s when right)
CLIENT_DEADLINE = 5.0   # seconds for a client's own sendall() to finish
STOP_DEADLINE = 3.0     # seconds for echo_server to return after stop_event.set()
                        # (it polls the event every 0.1-0.5 s)
BIG = 4 * 1024 * 1024   # bytes: far more than the socket buffers hold
SMALL_BUFFER = 32 * 1024
BUSY_LIMIT = 0.05       # share of a CPU: waiting in select() uses about 0.001
POLL = 0.1              # seconds between looks at whether the server gave up

# The servers of the running test: a client waiting for an echo stops waiting as
# soon as the server's call has ended (it returned or raised before stop_event).
RUNNING: list[Server] = []


class Server:
    """The student's echo_server running in a daemon thread, with its clients."""

    def __init__(self, starts: ThreadStarts, small_buffers=False):
        self.clients: list[socket.socket] = []
        self.starts = starts
        self.listen = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            if small_buffers:
                self.listen.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SMALL_BUFFER)
                self.listen.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)
            self.listen.bind(("127.0.0.1", 0))
            self.listen.listen(64)
            self.address = self.listen.getsockname()
            self.stop = threading.Event()
            self.call = start_call(echo_server, self.listen, self.stop)
        except BaseException:
            self.listen.close()
            raise

    def connect(self, small_buffers=False) -> socket.socket:
        client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.clients.append(client)
        if small_buffers:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SMALL_BUFFER)
        client.settimeout(SILENCE)
        client.connect(self.address)
        return client

    def threads_started_by_server(self) -> list[threading.Thread]:
        return self.starts.started_by(self.call.thread.ident)

    def shutdown(self, close_clients=True) -> None:
        """Set stop_event (then close the clients, unless told not to): echo_server
        must return (or its exception is re-raised)."""
        self.stop.set()
        if close_clients:
            for client in self.clients:
                client.close()
        self.call.finish(
            "echo_server after stop_event.set() (it must check the event at least every "
            "second or so: give selector.select() a timeout, e.g. 0.1 s, and loop "
            "`while not stop_event.is_set()`)", deadline=STOP_DEADLINE)

    def cleanup(self) -> None:
        for client in self.clients:
            client.close()
        self.stop.set()
        self.call.done.wait(0.5)  # a stuck wrong server is left behind as a daemon
        self.listen.close()


@pytest.fixture
def serve():
    servers = []

    def make(small_buffers=False) -> Server:
        server = Server(starts, small_buffers)
        servers.append(server)
        RUNNING.append(server)
        return server

    with record_thread_starts() as starts:
        try:
            yield make
        finally:
            RUNNING.clear()
            for server in servers:
                server.cleanup()


def server_gave_up(what: str) -> None:
    """Fail at once if a server's echo_server call ended while it was still serving."""
    for server in RUNNING:
        if server.call.done.is_set() and not server.stop.is_set():
            pytest.fail(f"{what}: echo_server ended before stop_event was set: "
                        f"{server.call.outcome()}. It must serve until stop_event is set.",
                        pytrace=False)


def recv_exactly(sock: socket.socket, n: int, what: str) -> bytes:
    """Read n bytes; fail with an explanation if they stop coming for SILENCE
    seconds (or take longer than BIG_DEADLINE in all)."""
    data = bytearray()
    end = time.monotonic() + BIG_DEADLINE
    silent_since = time.monotonic()
    while len(data) < n:
        now = time.monotonic()
        left = min(end, silent_since + SILENCE) - now
        if left <= 0:
            break
        sock.settimeout(min(left, POLL))
        try:
            chunk = sock.recv(min(n - len(data), 1 << 20))
        except TimeoutError:
            server_gave_up(what)
            continue
        except ConnectionError as exc:
            pytest.fail(f"{what}: the connection broke ({exc!r}) after {len(data)} of {n} "
                        "bytes. Did the server crash or close the connection?")
        silent_since = time.monotonic()
        if not chunk:
            pytest.fail(f"{what}: the server closed the connection after {len(data)} of {n} "
                        "bytes. Did it drop the client after an error?")
        data += chunk
    if len(data) < n:
        pytest.fail(
            f"{what}: only {len(data)} of {n} bytes came back; then nothing more came for "
            f"{SILENCE:g} s.")
    return bytes(data)


def echo(sock: socket.socket, message: bytes, what: str, hint: str = "") -> None:
    sock.sendall(message)
    try:
        got = recv_exactly(sock, len(message), what)
    except pytest.fail.Exception as exc:
        raise AssertionError(f"{exc}{hint}") from None
    assert got == message, f"{what}: sent {message!r}, got back {got!r}"


BLOCKED_HINT = (
    "\nThe server seems to be stuck on another client. In an event loop nothing may "
    "block: register every socket with the selector, make them non-blocking "
    "(sock.setblocking(False)), and call recv() once per 'readable' event, never in a "
    "loop that waits for a client's next data or for it to disconnect."
)


# --- echoing ----------------------------------------------------------------------


def test_echoes_one_client(serve):
    server = serve()
    client = server.connect()
    echo(client, b"hello, event loop", "one client")
    echo(client, b"and a second message", "the same client again")
    server.shutdown()


@pytest.mark.lesson
def test_many_clients_take_turns(serve):
    server = serve()
    clients = [server.connect() for _ in range(10)]
    for round_ in range(3):
        for i, client in enumerate(clients):
            echo(client, f"round {round_} from client {i}".encode(),
                 f"client {i} of 10 (all connected), round {round_}", BLOCKED_HINT)
    server.shutdown()


def test_client_that_leaves_does_not_stop_the_server(serve):
    server = serve()
    leaving = server.connect()
    echo(leaving, b"bye", "a client about to leave")
    leaving.close()
    other = server.connect()
    echo(other, b"still there?", "a client after another one closed its connection",
         "\nWhen recv() returns b'' the client has closed its side: unregister that socket "
         "from the selector, close it, and keep serving the others.")
    server.shutdown()


@pytest.mark.lesson
def test_silent_client_does_not_stall_others(serve):
    server = serve()
    silent = server.connect()  # connects first, and says nothing
    other = server.connect()
    echo(other, b"ping", "a client connected after a silent one", BLOCKED_HINT)
    echo(silent, b"now I talk", "the formerly silent client")
    # `silent` is quiet again, its connection open: the others must not wait for it.
    third = server.connect()
    echo(third, b"ping 3", "a client connected after one that talked once and then went quiet",
         BLOCKED_HINT)
    echo(other, b"ping again", "the second client, while the first is quiet", BLOCKED_HINT)
    server.shutdown()


# --- one thread ---------------------------------------------------------------------


@pytest.mark.lesson
def test_one_thread_serves_all_clients(serve):
    server = serve()
    for i in range(5):  # one after the other, so this test is only about threads
        client = server.connect()
        echo(client, f"client {i}".encode(), f"client {i} of 5")
        client.close()
    server.shutdown()
    started = server.threads_started_by_server()
    assert not started, (
        f"echo_server started {len(started)} thread(s) ({[t.name for t in started]}) for 5 "
        "clients. An event-driven server serves every client from its one thread: the "
        "selector tells it which sockets are ready, and it handles each ready one in turn. "
        "No thread per client, no thread pool."
    )


# --- partial writes -------------------------------------------------------------------


def big_payload() -> bytes:
    return random.Random(20090311).randbytes(BIG)


def first_difference(a: bytes, b: bytes) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)))


@pytest.mark.lesson
def test_large_payload_echoed_exactly(serve):
    server = serve(small_buffers=True)
    client = server.connect(small_buffers=True)
    payload = big_payload()
    sender = start_call(client.sendall, payload)
    # Read nothing until the sender is done or stuck: by then the server has
    # faced full socket buffers, where send() takes only part of the data.
    wait_until_blocked(sender.thread, timeout=CLIENT_DEADLINE)
    try:
        got = recv_exactly(client, len(payload),
                           f"a client that sent {BIG:,} bytes before reading any")
    except pytest.fail.Exception as exc:
        raise AssertionError(
            f"{exc}\nsock.send(data) on a non-blocking socket sends only as much as fits in "
            "the socket's buffer and returns that number (or raises BlockingIOError when "
            "nothing fits). Keep the rest in a per-client buffer, ask the selector for "
            "EVENT_WRITE, and send more when the socket is writable.") from None
    sender.finish("the client's sendall() of the big payload", deadline=CLIENT_DEADLINE)
    assert got == payload, (
        f"the {BIG:,} bytes came back changed: first difference at byte "
        f"{first_difference(got, payload):,}. Bytes must come back in the order received.")
    server.shutdown()


@pytest.mark.lesson
def test_slow_reader_does_not_stall_others(serve):
    server = serve(small_buffers=True)
    slow = server.connect(small_buffers=True)
    payload = big_payload()
    sender = start_call(slow.sendall, payload)
    wait_until_blocked(sender.thread, timeout=CLIENT_DEADLINE)
    # `slow` has not read a byte: its echo fills every buffer on the way back.
    other = server.connect()
    echo(other, b"ping", "a client connected while another one does not read its echo",
         "\nThe server seems stuck sending to the client that does not read. With "
         "sock.sendall() (or a blocking socket) the server waits until that client reads. "
         "Use non-blocking sockets, send() what fits, keep the rest, and go back to the "
         "selector.")
    got = recv_exactly(slow, len(payload), "the slow client, reading its echo at last")
    sender.finish("the slow client's sendall()", deadline=CLIENT_DEADLINE)
    assert got == payload, (
        f"the slow client's echo differs at byte {first_difference(got, payload):,}")
    server.shutdown()


# --- stopping ---------------------------------------------------------------------------


@pytest.mark.lesson
def test_returns_when_stop_event_set(serve):
    server = serve()
    talked = server.connect()
    echo(talked, b"hello", "a client")
    server.connect()  # connected, never says anything
    server.shutdown(close_clients=False)
    started = server.threads_started_by_server()
    assert wait_until(lambda: not any(t.is_alive() for t in started), timeout=STOP_DEADLINE), (
        "echo_server returned but threads it started are still running")
    talked.settimeout(SILENCE)
    try:
        leftover = talked.recv(100)
    except ConnectionError:
        leftover = b""
    except TimeoutError:
        pytest.fail("after echo_server returned, a client's connection was still open: close "
                    "every client socket (and the selector) before returning, in a `finally:`.")
    assert leftover == b"", f"after echo_server returned a client received {leftover!r}"


@pytest.mark.lesson
def test_returns_when_stopped_without_clients(serve):
    server = serve()
    wait_until_blocked(server.call.thread, timeout=STOP_DEADLINE)  # let it reach select()
    server.shutdown()


@pytest.mark.lesson
@pytest.mark.cpu_sensitive
def test_idle_server_does_not_spin(serve):
    listen = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listen.bind(("127.0.0.1", 0))
        listen.listen(8)
        stop = threading.Event()
        early = []  # what echo_server did before stop_event was set, if it ended

        def serve_idle():
            try:
                echo_server(listen, stop)
            except BaseException as exc:  # noqa: BLE001 - reported below
                if not stop.is_set():
                    early.append(f"raised {type(exc).__name__}: {exc}")
            else:
                if not stop.is_set():
                    early.append("returned")

        ratio = busy_cpu_ratio(serve_idle, window=0.5, release=stop.set, timeout=2.0)
    finally:
        listen.close()
    assert not early, (
        f"echo_server {early[0]} before stop_event was set; it must serve until then.")
    assert ratio < BUSY_LIMIT, (
        f"with no client at all, echo_server used {ratio:.0%} of a CPU. An event loop sleeps in "
        "selector.select(timeout=...) until a socket is ready or the timeout passes; "
        "select(timeout=0) in a loop (or non-blocking accept/recv tried over and over) spins.")
