"""A correct alternative: an 8-byte prefix, recv_into a preallocated buffer,
send looped by hand, ValueError for a cut message."""

from __future__ import annotations

import pickle


def send_msg(sock, obj):
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(len(data).to_bytes(8, "big") + data)
    while view:
        sent = sock.send(view)
        view = view[sent:]


def _fill(sock, n):
    buf = bytearray(n)
    view = memoryview(buf)
    filled = 0
    while filled < n:
        k = sock.recv_into(view[filled:], n - filled)
        if k == 0:
            return buf[:filled]
        filled += k
    return buf


def recv_msg(sock):
    head = _fill(sock, 8)
    if len(head) == 0:
        raise EOFError
    if len(head) < 8:
        raise ValueError("cut in the length prefix")
    size = int.from_bytes(head, "big")
    body = _fill(sock, size)
    if len(body) < size:
        raise ValueError(f"cut message: {len(body)} of {size} bytes")
    return pickle.loads(body)
