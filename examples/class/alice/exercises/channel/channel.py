"""Length-prefixed pickles; the child works on raw file descriptors."""

from __future__ import annotations

import pickle
import struct
import subprocess
import sys
from pathlib import Path

_HEADER = struct.Struct("!Q")


def _read_exactly(f, n: int) -> bytes:
    parts, left = [], n
    while left:
        chunk = f.read(left)
        if not chunk:
            if left == n and not parts:
                raise EOFError("the other side closed the channel")
            raise EOFError("the channel was cut in the middle of a message")
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


class Channel:
    def __init__(self, out_f, in_f):
        self._out, self._in = out_f, in_f
        self._closed = False

    def send(self, obj):
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self._out.write(_HEADER.pack(len(data)) + data)
        self._out.flush()

    def recv(self):
        (size,) = _HEADER.unpack(_read_exactly(self._in, _HEADER.size))
        return pickle.loads(_read_exactly(self._in, size))

    def close(self):
        if self._closed:
            return
        self._closed = True
        try:
            self._out.close()
        finally:
            self._in.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()
        return False


def spawn_echo() -> tuple[subprocess.Popen, Channel]:
    child = Path(__file__).resolve().with_name("echo_child.py")
    proc = subprocess.Popen([sys.executable, "-u", str(child)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, bufsize=0)
    print(f"started echo child {proc.pid}", file=sys.stderr)
    return proc, Channel(proc.stdin, proc.stdout)
