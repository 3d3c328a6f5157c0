"""Pickled objects over a stream socket, each framed by a length prefix.

Replace each ``raise NotImplementedError`` with your code; see README.md.
"""

from __future__ import annotations

import pickle  # noqa: F401 - you will need it
import socket
import struct  # noqa: F401 - you will need it


def send_msg(sock: socket.socket, obj: object) -> None:
    """Send ``obj`` over ``sock`` as one message: the length of its pickle,
    then the pickle itself."""
    raise NotImplementedError("send_msg: pickle obj, send a length prefix and the bytes")


def recv_msg(sock: socket.socket) -> object:
    """Receive one message sent by ``send_msg`` and return the object.

    Raise EOFError if the stream ends between two messages, and another error
    (ConnectionError) if it ends in the middle of a message.
    """
    raise NotImplementedError("recv_msg: read the length prefix, then exactly that many bytes")
