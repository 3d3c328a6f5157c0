"""A channel to a child process: pickled objects over its stdin and stdout."""

from __future__ import annotations

import subprocess


class Channel:
    """Send and receive Python objects over two binary files."""

    def __init__(self, out_f, in_f):
        self.out_f = out_f  # binary file to write to
        self.in_f = in_f    # binary file to read from

    def send(self, obj):
        """Send one object to the other side."""
        raise NotImplementedError("Channel.send")

    def recv(self):
        """Receive the next object; raise EOFError when the other side has closed."""
        raise NotImplementedError("Channel.recv")

    def close(self):
        """Close both files."""
        raise NotImplementedError("Channel.close")

    def __enter__(self):
        raise NotImplementedError("Channel.__enter__")

    def __exit__(self, *exc_info):
        raise NotImplementedError("Channel.__exit__")


def spawn_echo() -> tuple[subprocess.Popen, Channel]:
    """Start echo_child.py (next to this file) with the running interpreter.

    Return the process and a Channel to it: what you send arrives on the
    child's stdin, what the child sends comes from its stdout."""
    raise NotImplementedError("spawn_echo")
