"""Public tests for the messages exercise. Run them with `grader check messages`
(or `pytest` in this folder)."""

from __future__ import annotations

import socket

import messages
import pytest

from grader.testing import call_with_deadline

DEADLINE = 5.0  # seconds: a hang fails the test with a stack instead of blocking forever


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def recv(sock):
    return call_with_deadline(messages.recv_msg, sock, deadline=DEADLINE, what="recv_msg(b)")


def test_round_trip(pair):
    a, b = pair
    obj = {"name": "GOOG", "shares": 100, "price": [490.1, 491.5]}
    messages.send_msg(a, obj)
    assert recv(b) == obj, "recv_msg should return an object equal to the one sent"


@pytest.mark.lesson
def test_several_messages_in_order(pair):
    a, b = pair
    for i in range(5):
        messages.send_msg(a, ("msg", i))
    got = [recv(b) for _ in range(5)]
    assert got == [("msg", i) for i in range(5)], (
        f"five messages sent one after the other came back as {got}: each recv_msg must "
        "read exactly one message, no more, no less"
    )


def test_clean_end_raises_eof(pair):
    a, b = pair
    messages.send_msg(a, "bye")
    a.close()
    assert recv(b) == "bye"
    with pytest.raises(EOFError):
        recv(b)
