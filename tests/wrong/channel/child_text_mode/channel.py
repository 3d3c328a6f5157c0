# catches: text-mode stdio in the child
# fails: test_echo_many_objects, test_conversation, test_echo_child_answers
"""A channel to a child process: pickled objects over its stdin and stdout."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


class Channel:
    """Send and receive Python objects over two binary files."""

    def __init__(self, out_f, in_f):
        self.out_f = out_f  # binary file we write to
        self.in_f = in_f    # binary file we read from

    def send(self, obj):
        pickle.dump(obj, self.out_f)
        self.out_f.flush()  # push the bytes into the pipe now, not when the buffer fills

    def recv(self):
        return pickle.load(self.in_f)  # EOFError once the other side has closed

    def close(self):
        for f in (self.out_f, self.in_f):
            try:
                f.close()
            except OSError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def spawn_echo() -> tuple[subprocess.Popen, Channel]:
    """Start echo_child.py with this interpreter; a channel to it."""
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "echo_child.py")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    return proc, Channel(proc.stdin, proc.stdout)
