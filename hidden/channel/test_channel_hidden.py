"""Hidden tests for the channel exercise.

Channel is tested over os.pipe() pairs (two Channels talking to each other)
and through spawn_echo(). Only test_conversation waits for a reply before
sending more (a missing flush hangs there, with a DEADLINE); the other echo
tests send everything, close the child's stdin (which flushes) and then read.
A hang is remembered: later interactive tests then fail at once. Every test
closes what it opened and waits for (or kills) the child in a finally.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys

import channel
import pytest
from channel import Channel

from grader.testing import DeadlineExceeded, call_with_deadline, wait_until

DEADLINE = 4.0  # seconds for one reply; a correct echo answers in milliseconds

pytestmark = pytest.mark.timeout_s(20)

OBJECTS = [
    0, -1, 2**70, 3.5, None, True, "", "hello", "h\u00e9llo \u2603\n",
    b"", bytes(range(256)), b"line\r\nother\rlast\n", "text\r\n", (1, "two", None),
    [1, [2, [3]]], {"a": 1, "b": [None, b"\x00\xff"]}, {1, 2, 3}, "STOP",
]

FLUSH_ADVICE = (
    "A file object made by subprocess (proc.stdin) or sys.stdout.buffer keeps what you write "
    "in a buffer of several KB, and only writes it to the pipe when the buffer is full or the "
    "file is flushed or closed. A small message waits in the buffer, the other side waits "
    "for it, and both wait forever. Call flush() after writing each message (in send(), on "
    "both sides).")

CHILD_HINT = (
    "Likely causes: the child reads or writes TEXT (sys.stdin, sys.stdout, or a file opened "
    "with 'r'/'w') where pickles need bytes: use sys.stdin.buffer and sys.stdout.buffer; or "
    "the child print()s to stdout, which mixes text into the stream of pickles: the parent "
    "reads its stdout, so debug output must go to sys.stderr. If the child crashed, its "
    "traceback is in the error output above.")


@pytest.fixture(autouse=True)
def buffered_children(monkeypatch):
    """Children start with ordinary buffered output, as in a terminal run (the grader
    itself sets PYTHONUNBUFFERED, which would hide a missing flush in the child)."""
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)


# ---------------------------------------------------------------- helpers

@contextlib.contextmanager
def pipe_pair():
    """Two Channels a, b joined by two os.pipe()s: a.send -> b.recv and b.send -> a.recv.
    Also yields the raw read fd of a -> b (for readiness checks) and a's and b's write files."""
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    files = [os.fdopen(w1, "wb"), os.fdopen(r2, "rb"), os.fdopen(w2, "wb"), os.fdopen(r1, "rb")]
    a = Channel(files[0], files[1])
    b = Channel(files[2], files[3])
    try:
        yield a, b, r1, (files[0], files[2])
    finally:
        for f in files:
            with contextlib.suppress(OSError, ValueError):
                f.close()


@contextlib.contextmanager
def echo_child():
    """spawn_echo(); afterwards close everything and make sure the child has ended."""
    made = call_with_deadline(channel.spawn_echo, deadline=DEADLINE, what="spawn_echo()")
    assert isinstance(made, tuple) and len(made) == 2, (
        f"spawn_echo() should return a tuple (process, channel), got {made!r}")
    proc, chan = made
    assert isinstance(proc, subprocess.Popen), (
        f"spawn_echo() should return the subprocess.Popen first, got {proc!r}")
    try:
        yield proc, chan
    finally:
        with contextlib.suppress(Exception):
            if proc.stdin is not None:
                proc.stdin.close()
        if not wait_until(lambda: proc.poll() is not None, timeout=3.0, interval=0.01):
            proc.kill()
        ended = wait_until(lambda: proc.poll() is not None, timeout=5.0, interval=0.01)
        with contextlib.suppress(Exception):
            chan.close()
        for f in (proc.stdout, proc.stderr):
            with contextlib.suppress(Exception):
                if f is not None:
                    f.close()
        assert ended, "the echo child could not be stopped"


def send_all_then_read(proc, chan, objs, what):
    """Send every object, close the child's stdin, read replies until EOFError."""
    try:
        for obj in objs:
            call_with_deadline(chan.send, obj, deadline=DEADLINE, what=f"send({obj!r})")
        call_with_deadline(proc.stdin.close, deadline=DEADLINE, what="closing the child's stdin")
    except (BrokenPipeError, ValueError) as exc:
        pytest.fail(f"{what}: sending failed with {type(exc).__name__}: {exc}. The child "
                    f"stopped reading its stdin: did it crash?\n{CHILD_HINT}", pytrace=False)
    replies = []
    for _ in range(len(objs) + 1):
        try:
            replies.append(call_with_deadline(chan.recv, deadline=DEADLINE,
                                              what=f"recv() number {len(replies) + 1}"))
        except EOFError:
            break
        except DeadlineExceeded:
            raise
        except Exception as exc:  # noqa: BLE001 - explained to the student
            pytest.fail(
                f"{what}: after {len(replies)} good replies, recv() raised "
                f"{type(exc).__name__}: {exc}. The bytes coming from the child's stdout are "
                f"not (only) the pickles it should send.\n{CHILD_HINT}", pytrace=False)
    return replies


def check_echoes(replies, objs, what):
    want = [("child", obj) for obj in objs]
    got = [tuple(r) if isinstance(r, (tuple, list)) else r for r in replies]
    if len(got) < len(want):
        pytest.fail(
            f"{what}: sent {len(objs)} objects, then closed the child's stdin; got only "
            f"{len(got)} replies before EOFError (the child's stdout was closed). Replies: "
            f"{got!r}\n{CHILD_HINT}", pytrace=False)
    assert len(got) == len(want), (
        f"{what}: after the {len(want)} replies recv() should raise EOFError (the child has "
        f"exited), but it returned {got[len(want)]!r}.\n{CHILD_HINT}")
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g == w, (
            f"{what}: reply {i + 1} should be {w!r}, got {g!r}. The object must travel as "
            "bytes, unchanged (text mode turns '\\r\\n' into '\\n' and cannot carry every "
            "byte).")


# ---------------------------------------------------------------- Channel over os.pipe

@pytest.mark.lesson
def test_send_is_readable_at_once():
    with pipe_pair() as (a, b, a_to_b_r, _):
        call_with_deadline(a.send, {"n": 1}, deadline=DEADLINE, what="send({'n': 1})")
        ready, _, _ = select.select([a_to_b_r], [], [], 0)
        assert ready, (
            "right after send() returned, nothing could be read from the pipe: the message "
            "is still in the file's buffer in this process.\n" + FLUSH_ADVICE)
        got = call_with_deadline(b.recv, deadline=DEADLINE, what="recv()")
        assert got == {"n": 1}, f"recv() should return {{'n': 1}}, got {got!r}"


def test_channel_over_pipes_round_trip():
    with pipe_pair() as (a, b, _, (a_out, b_out)):
        for obj in OBJECTS[:9]:
            call_with_deadline(a.send, obj, deadline=DEADLINE, what=f"send({obj!r})")
        for obj in OBJECTS[9:]:
            call_with_deadline(b.send, obj, deadline=DEADLINE, what=f"send({obj!r})")
        a_out.close()  # the test closes the write ends itself (closing flushes)
        b_out.close()
        for receiver, objs in ((b, OBJECTS[:9]), (a, OBJECTS[9:])):
            for obj in objs:
                got = call_with_deadline(receiver.recv, deadline=DEADLINE, what="recv()")
                assert got == obj, f"sent {obj!r}, recv() on the other side returned {got!r}"


def test_recv_raises_eoferror_at_end():
    with pipe_pair() as (a, b, _, _):
        call_with_deadline(a.send, "last", deadline=DEADLINE, what="send('last')")
        call_with_deadline(a.close, deadline=DEADLINE, what="close()")
        got = call_with_deadline(b.recv, deadline=DEADLINE, what="recv()")
        assert got == "last", f"recv() should return 'last', got {got!r}"
        with pytest.raises(EOFError):
            call_with_deadline(b.recv, deadline=DEADLINE, what="recv() after the other side closed")


def test_context_manager_closes_both_files():
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    out_f, in_f = os.fdopen(w1, "wb"), os.fdopen(r2, "rb")
    other_in, other_out = os.fdopen(r1, "rb"), os.fdopen(w2, "wb")
    try:
        with Channel(out_f, in_f) as chan:
            assert isinstance(chan, Channel), (
                f"'with Channel(...) as chan' should give the Channel itself, got {chan!r}: "
                "__enter__ should return self")
            call_with_deadline(chan.send, [1, 2], deadline=DEADLINE, what="send([1, 2])")
        assert out_f.closed and in_f.closed, (
            f"after the with-block both files should be closed (out_f closed: {out_f.closed}, "
            f"in_f closed: {in_f.closed}): __exit__ should call close(), which closes both")
        reader = Channel(other_out, other_in)
        got = call_with_deadline(reader.recv, deadline=DEADLINE, what="recv() on the other end")
        assert got == [1, 2], f"the other end should receive [1, 2], got {got!r}"
    finally:
        for f in (out_f, in_f, other_in, other_out):
            f.close()


# ---------------------------------------------------------------- the echo child

@pytest.mark.lesson
def test_echo_many_objects():
    with echo_child() as (proc, chan):
        replies = send_all_then_read(proc, chan, OBJECTS, "echoing many objects")
        check_echoes(replies, OBJECTS, "echoing many objects")
        assert wait_until(lambda: proc.poll() is not None, timeout=DEADLINE), (
            "the child should exit when its input ends (recv() raises EOFError), but it still "
            f"runs {DEADLINE:g} s after its stdin was closed")
        assert proc.returncode == 0, (
            f"the child should exit with status 0 at the end of its input, got "
            f"{proc.returncode}.\n{CHILD_HINT}")


def test_spawn_echo_from_another_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the current directory no longer holds echo_child.py
    with echo_child() as (proc, chan):
        replies = send_all_then_read(proc, chan, ["x", 2], "spawn_echo() from another cwd")
        if not replies:
            pytest.fail(
                "with the current directory somewhere else, the echo child sent nothing back "
                "(did it start at all?). Find echo_child.py next to channel.py: "
                "os.path.join(os.path.dirname(os.path.abspath(__file__)), 'echo_child.py'), "
                "not a path relative to the current directory.", pytrace=False)
        check_echoes(replies, ["x", 2], "spawn_echo() from another cwd")


def test_uses_running_interpreter():
    with echo_child() as (proc, chan):
        args = proc.args
        words = [os.fsdecode(a) for a in args] if isinstance(args, (list, tuple)) else [
            os.fsdecode(args)]
        assert any(sys.executable in w for w in words), (
            f"the child should be started with the running interpreter, sys.executable "
            f"({sys.executable}); the command was {args!r}. 'python' or 'python3' may be "
            "another Python, without your packages.")


@pytest.mark.lesson
def test_conversation():
    """Send, wait for the reply, send again: the child keeps running between messages."""
    with echo_child() as (proc, chan):
        for i, obj in enumerate(["hello", 42, ("a", b"\r\n")]):
            try:
                call_with_deadline(chan.send, obj, deadline=DEADLINE, what=f"send({obj!r})")
            except (BrokenPipeError, ValueError) as exc:
                pytest.fail(
                    f"send({obj!r}) (message {i + 1}, after {i} replies) failed with "
                    f"{type(exc).__name__}: {exc}: the child no longer reads its stdin. A "
                    "channel stays open for many messages: proc.communicate() sends one "
                    "input, closes stdin and waits for the child to end, so it can be used "
                    f"only once.\n{CHILD_HINT}", pytrace=False)
            try:
                got = call_with_deadline(chan.recv, deadline=DEADLINE,
                                         what=f"recv() of the reply to {obj!r}")
            except DeadlineExceeded:
                pytest.fail(
                    f"sent {obj!r} (message {i + 1}) and waited {DEADLINE:g} s for the reply: "
                    f"none came. Either the message is still in the parent's buffer, or the "
                    f"reply is still in the child's.\n{FLUSH_ADVICE}", pytrace=False)
            except EOFError:
                pytest.fail(
                    f"sent {obj!r} (message {i + 1}); recv() raised EOFError: the child "
                    f"closed its stdout or ended (exit status {proc.poll()}).\n{CHILD_HINT}",
                    pytrace=False)
            want = ("child", obj)
            got_t = tuple(got) if isinstance(got, (tuple, list)) else got
            assert got_t == want, f"the reply to {obj!r} should be {want!r}, got {got!r}"
            assert proc.poll() is None, (
                f"after the reply to message {i + 1} the child has already exited (status "
                f"{proc.returncode}). A channel keeps the child running and waiting for the "
                "next message until the parent closes it; proc.communicate() is one shot: "
                "it closes stdin and waits for the child to end.")
        call_with_deadline(chan.close, deadline=DEADLINE, what="close()")
        assert wait_until(lambda: proc.poll() is not None, timeout=DEADLINE), (
            f"after close() the child should see the end of its input and exit; it still runs "
            f"{DEADLINE:g} s later")
        assert proc.returncode == 0, (
            f"the child should exit with status 0, got {proc.returncode}.\n{CHILD_HINT}")
