"""Echo child on raw file descriptors 0 and 1 (no buffering, no flush needed)."""

import os
import pickle
import struct
import sys

HEADER = struct.Struct("!Q")


def read_exactly(fd, n):
    data = b""
    while len(data) < n:
        chunk = os.read(fd, n - len(data))
        if not chunk:
            return None if not data else sys.exit("cut message")
        data += chunk
    return data


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def main():
    print("echo child ready", file=sys.stderr)
    while True:
        head = read_exactly(0, HEADER.size)
        if head is None:
            break
        body = read_exactly(0, HEADER.unpack(head)[0])
        reply = pickle.dumps(("child", pickle.loads(body)))
        write_all(1, HEADER.pack(len(reply)) + reply)
    return 0


if __name__ == "__main__":
    sys.exit(main())
