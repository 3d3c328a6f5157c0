# catches: `send` instead of `sendall`
# fails: test_partial_send

from __future__ import annotations

import pickle
import socket
import struct

HEADER = struct.Struct("!I")  # the payload's length: 4 bytes, network byte order


def send_msg(sock: socket.socket, obj: object) -> None:
    """Send ``obj`` as one message: its pickle, preceded by its length."""
    payload = pickle.dumps(obj)
    sock.send(HEADER.pack(len(payload)) + payload)


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    """Exactly ``size`` bytes, however the stream splits them; b"" if the
    stream ends before the first byte; ConnectionError if it ends after."""
    chunks: list[bytes] = []
    got = 0
    while got < size:
        chunk = sock.recv(size - got)
        if not chunk:
            if got == 0:
                return b""
            raise ConnectionError(f"the stream ended after {got} of {size} bytes")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv_msg(sock: socket.socket) -> object:
    """Receive one message sent by :func:`send_msg`.

    EOFError if the stream ends cleanly, between two messages; ConnectionError
    if it ends in the middle of one.
    """
    header = _recv_exactly(sock, HEADER.size)
    if not header:
        raise EOFError("the stream ended")
    (size,) = HEADER.unpack(header)
    payload = _recv_exactly(sock, size)
    if len(payload) != size:  # size > 0 and the stream ended before its first byte
        raise ConnectionError(f"the stream ended after the header, before {size} bytes")
    return pickle.loads(payload)
