"""The echo child: sends back ("child", obj) for every object it receives."""

import sys

from channel import Channel


def main():
    # the binary layers under sys.stdin/sys.stdout: pickles are bytes, not text
    chan = Channel(sys.stdout.buffer, sys.stdin.buffer)
    while True:
        try:
            obj = chan.recv()
        except EOFError:
            break
        chan.send(("child", obj))


if __name__ == "__main__":
    main()
