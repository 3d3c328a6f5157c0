"""Public tests for the channel exercise. Run them with `grader check channel`
(or `pytest` in this folder)."""

from __future__ import annotations

import contextlib
import os
import select

import channel
import pytest
from channel import Channel

from grader.testing import call_with_deadline, wait_until

DEADLINE = 4.0  # seconds: a hang fails the test instead of blocking forever

pytestmark = pytest.mark.timeout_s(20)


@pytest.fixture(autouse=True)
def buffered_children(monkeypatch):
    """Children start with ordinary buffered output, as in a terminal run."""
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)


def test_channel_over_a_pipe():
    r, w = os.pipe()
    out_f, in_f = os.fdopen(w, "wb"), os.fdopen(r, "rb")
    objs = [1, "two", (3, b"\x00\r\n\xff"), {"four": [4]}]
    try:
        chan = Channel(out_f, in_f)  # a loop-back: what we send comes back to us
        for obj in objs:
            call_with_deadline(chan.send, obj, deadline=DEADLINE, what=f"send({obj!r})")
        out_f.close()  # end of input: after the last object, recv() raises EOFError
        for obj in objs:
            got = call_with_deadline(chan.recv, deadline=DEADLINE, what="recv()")
            assert got == obj, f"sent {obj!r} into a loop-back pipe, recv() returned {got!r}"
        with pytest.raises(EOFError):
            call_with_deadline(chan.recv, deadline=DEADLINE, what="recv() at the end")
    finally:
        out_f.close()
        in_f.close()


@pytest.mark.lesson
def test_send_reaches_the_pipe_at_once():
    r, w = os.pipe()
    out_f, in_f = os.fdopen(w, "wb"), os.fdopen(r, "rb")
    try:
        call_with_deadline(Channel(out_f, in_f).send, "now", deadline=DEADLINE,
                           what="send('now')")
        ready, _, _ = select.select([r], [], [], 0)
        assert ready, ("right after send() returned, the pipe was still empty: the message "
                       "waits in the file's buffer. Call flush() after writing.")
    finally:
        out_f.close()
        in_f.close()


@pytest.mark.lesson
def test_echo_child_answers():
    proc, chan = call_with_deadline(channel.spawn_echo, deadline=DEADLINE, what="spawn_echo()")
    try:
        for obj in ["ping", 2]:
            call_with_deadline(chan.send, obj, deadline=DEADLINE, what=f"send({obj!r})")
        proc.stdin.close()  # the child's input ends: it answers, then exits
        for obj in ["ping", 2]:
            got = call_with_deadline(chan.recv, deadline=DEADLINE, what="recv() of a reply")
            assert tuple(got) == ("child", obj), f"expected ('child', {obj!r}), got {got!r}"
        try:
            extra = call_with_deadline(chan.recv, deadline=DEADLINE, what="recv() at the end")
        except EOFError:
            pass  # right: the child has closed its stdout
        else:
            pytest.fail(f"after the two replies recv() should raise EOFError, but it returned "
                        f"{extra!r}: is the child print()ing to its stdout?", pytrace=False)
        assert wait_until(lambda: proc.poll() is not None, timeout=DEADLINE), (
            "the child should exit when its input ends")
        assert proc.returncode == 0, f"the child should exit with status 0, got {proc.returncode}"
    finally:
        with contextlib.suppress(Exception):
            proc.stdin.close()
        if not wait_until(lambda: proc.poll() is not None, timeout=3.0):
            proc.kill()
            proc.wait()
        with contextlib.suppress(Exception):
            chan.close()
