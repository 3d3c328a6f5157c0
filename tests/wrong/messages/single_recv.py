# catches: `pickle.loads(sock.recv(4096))` (breaks on short reads): a length prefix, but one recv per part
# fails: test_big_message, test_one_byte_per_recv
from __future__ import annotations

import pickle
import struct


def send_msg(sock, obj):
    payload = pickle.dumps(obj)
    sock.sendall(struct.pack("!I", len(payload)) + payload)


def recv_msg(sock):
    header = sock.recv(4)
    if not header:
        raise EOFError("end of stream")
    (size,) = struct.unpack("!I", header)
    return pickle.loads(sock.recv(size))
