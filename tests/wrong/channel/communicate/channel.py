# catches: `communicate()` (one shot, not a channel)
# fails: test_conversation
from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


class Channel:
    def __init__(self, out_f, in_f):
        self.out_f = out_f
        self.in_f = in_f

    def send(self, obj):
        pickle.dump(obj, self.out_f)
        self.out_f.flush()

    def recv(self):
        return pickle.load(self.in_f)

    def close(self):
        self.out_f.close()
        self.in_f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class _Outbox(io.BytesIO):
    """Collects what is sent; the child gets it all at once with communicate()."""

    def __init__(self, proc):
        super().__init__()
        self.proc = proc
        self.reply = None

    def close(self):
        pass


class _Inbox:
    def __init__(self, outbox):
        self.outbox = outbox
        self.data = None

    def _fill(self):
        if self.data is None:
            out, _ = self.outbox.proc.communicate(self.outbox.getvalue())
            self.data = io.BytesIO(out)

    def read(self, n=-1):
        self._fill()
        return self.data.read(n)

    def readline(self, n=-1):
        self._fill()
        return self.data.readline(n)

    def readinto(self, b):
        self._fill()
        return self.data.readinto(b)

    def peek(self, n=0):
        self._fill()
        return self.data.getvalue()[self.data.tell():][:max(n, 1)]

    def close(self):
        pass


def spawn_echo() -> tuple[subprocess.Popen, Channel]:
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "echo_child.py")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    outbox = _Outbox(proc)
    return proc, Channel(outbox, _Inbox(outbox))
