"""Hidden tests for the messages exercise.

Short reads and partial sends are made deterministic by wrapping a real socket:
``ShortReads`` returns at most a few bytes per ``recv``, ``FewBytesPerSend``
accepts at most a few bytes per ``send`` (``sendall`` still sends everything).
The writing end is closed before reading wherever possible, so a wrong
solution fails at once (EOF) instead of waiting for bytes that never come.
"""

from __future__ import annotations

import pickle
import socket

import messages
import pytest

from grader.testing import call_with_deadline, start_call

DEADLINE = 5.0  # seconds for one call: generous, so only a hang trips it


class ShortReads:
    """A socket whose recv/recv_into return at most ``most`` bytes, as a slow
    network may (a real socket's short reads depend on timing: this one's do not)."""

    def __init__(self, sock: socket.socket, most: int = 1) -> None:
        self._sock = sock
        self.most = most

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        return self._sock.recv(min(bufsize, self.most), flags)

    def recv_into(self, buffer, nbytes: int = 0, flags: int = 0) -> int:
        wanted = nbytes or memoryview(buffer).nbytes
        return self._sock.recv_into(buffer, min(wanted, self.most), flags)

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class FewBytesPerSend:
    """A socket whose send() accepts at most 3 bytes, as a full buffer does."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.partial_sends = 0

    def send(self, data, flags: int = 0) -> int:
        data = bytes(data)
        if len(data) > 3:
            self.partial_sends += 1
        return self._sock.send(data[:3], flags)

    def sendall(self, data, flags: int = 0) -> None:
        self._sock.sendall(data, flags)

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def send(sock, obj) -> None:
    call_with_deadline(messages.send_msg, sock, obj, deadline=DEADLINE,
                       what=f"send_msg(sock, {short(obj)})")


def recv(sock):
    return call_with_deadline(messages.recv_msg, sock, deadline=DEADLINE,
                              what="recv_msg(sock)")


def short(obj) -> str:
    text = repr(obj)
    return text if len(text) < 60 else text[:57] + "..."


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def recv_expecting(sock, expected, how: str):
    try:
        got = recv(sock)
    except EOFError:
        pytest.fail(
            f"{how}: recv_msg raised EOFError instead of returning {short(expected)}. The "
            "bytes of the message were all there: did recv_msg read fewer bytes than it "
            "needed, or did an earlier recv_msg swallow this message's bytes?", pytrace=False)
    except (pickle.UnpicklingError, ValueError, ConnectionError, OSError) as exc:
        pytest.fail(
            f"{how}: recv_msg raised {type(exc).__name__}: {exc}. A stream delivers bytes, "
            "not messages: one recv can return part of a message, or parts of two. Read the "
            "length prefix, then call recv in a loop until you have exactly that many bytes.",
            pytrace=False)
    assert got == expected, f"{how}: recv_msg returned {short(got)}, expected {short(expected)}"


OBJECTS = [
    0,
    "héllo",
    b"",
    None,
    [1, 2.5, "three", (4, 5)],
    {"k": {"nested": [None, True]}, 7: b"\x00\xff"},
]


@pytest.mark.parametrize("obj", OBJECTS, ids=[type(o).__name__ for o in OBJECTS])
def test_round_trip(pair, obj):
    a, b = pair
    send(a, obj)
    recv_expecting(b, obj, f"after send_msg(a, {short(obj)})")


@pytest.mark.lesson
def test_big_message(pair):
    a, b = pair
    big = bytes(range(256)) * 8192  # 2 MB: far more than the socket buffer holds
    sender = start_call(messages.send_msg, a, big)
    recv_expecting(ShortReads(b, 64 * 1024), big,
                   "a 2 MB message (it arrives in pieces of at most 64 KB)")
    sender.finish("send_msg(a, <2 MB>)", deadline=DEADLINE)


@pytest.mark.lesson
def test_one_byte_per_recv(pair):
    a, b = pair
    objs = [{"id": 1, "text": "first"}, list(range(50)), "third"]
    for obj in objs:
        send(a, obj)
    a.close()
    slow = ShortReads(b, 1)
    for i, obj in enumerate(objs):
        recv_expecting(slow, obj, f"message {i + 1} of 3, read from a socket whose recv "
                                  "returns one byte at a time")
    with pytest.raises(EOFError):
        recv(slow)


@pytest.mark.lesson
def test_two_messages_in_one_read(pair):
    a, b = pair
    send(a, "one")
    send(a, ["two", 2])
    a.close()  # both messages now wait in b's buffer: one recv(4096) gets both
    recv_expecting(b, "one", "the first of two messages sent before any recv")
    recv_expecting(b, ["two", 2], "the second of two messages sent before any recv (a "
                                  "recv_msg that reads more than one message loses it)")


@pytest.mark.lesson
def test_partial_send(pair):
    a, b = pair
    obj = {"payload": "x" * 200, "n": list(range(20))}
    few = FewBytesPerSend(a)
    send(few, obj)
    a.close()
    try:
        got = recv(b)
    except Exception as exc:  # noqa: BLE001 - explained below
        pytest.fail(
            f"send_msg on a socket whose send() accepts only 3 bytes per call: the receiver "
            f"got {type(exc).__name__}: {exc}. sock.send(data) sends only as much as fits "
            "and returns that number; the rest is never sent. Use sock.sendall(data), or "
            "loop on send until every byte is sent.", pytrace=False)
    assert got == obj, (
        f"send_msg on a socket whose send() accepts only 3 bytes per call: received "
        f"{short(got)} instead of {short(obj)}. Use sock.sendall(data)."
    )


def test_clean_end_is_eof(pair):
    a, b = pair
    send(a, "last")
    a.close()
    recv_expecting(b, "last", "the only message before the end")
    with pytest.raises(EOFError):
        recv(b)


def test_end_before_any_message_is_eof(pair):
    a, b = pair
    a.close()
    try:
        recv(b)
    except EOFError:
        return
    except Exception as exc:  # noqa: BLE001 - explained below
        pytest.fail(f"recv_msg on a stream that ended with no message raised "
                    f"{type(exc).__name__}: {exc}; expected EOFError (a clean end)",
                    pytrace=False)
    pytest.fail("recv_msg on a stream that ended with no message returned instead of "
                "raising EOFError (recv returns b\"\" at the end of the stream)", pytrace=False)


@pytest.mark.lesson
@pytest.mark.parametrize("where", ["header", "payload"])
def test_cut_message_is_an_error(pair, where):
    a, b = pair
    obj = list(range(100))
    send(a, obj)
    a.close()
    data = read_all(b)
    cut = 1 if where == "header" else len(data) - 1
    c, d = socket.socketpair()
    try:
        c.sendall(data[:cut])
        c.close()
        try:
            got = recv(d)
        except EOFError:
            pytest.fail(
                f"the stream ended in the middle of a message (in its {where}: {cut} of "
                f"{len(data)} bytes), and recv_msg raised EOFError, the sign of a clean end. "
                "A cut message means data was lost: raise another error, e.g. "
                "ConnectionError, so that a loop that stops on EOFError does not hide it.",
                pytrace=False)
        except Exception:  # noqa: BLE001 - any other error is right
            return
        pytest.fail(f"the stream ended in the middle of a message (in its {where}), and "
                    f"recv_msg returned {short(got)} instead of raising an error",
                    pytrace=False)
    finally:
        c.close()
        d.close()
