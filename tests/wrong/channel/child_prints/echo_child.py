import sys

from channel import Channel


def main():
    chan = Channel(sys.stdout.buffer, sys.stdin.buffer)
    while True:
        try:
            obj = chan.recv()
        except EOFError:
            break
        print(f"echo child got {obj!r}")  # debug output, into the same stdout
        chan.send(("child", obj))


if __name__ == "__main__":
    main()
