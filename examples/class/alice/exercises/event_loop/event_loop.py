"""Another correct style: Beazley-like handler objects whose methods the selector
calls back (key.data), an output buffer as a list of memoryviews, and
backpressure: a client whose echo is not being read is not read from either
until its backlog drains."""

import selectors
import socket

LIMIT = 256 * 1024  # bytes of pending echo before we stop reading a client


class Acceptor:
    def __init__(self, loop, sock):
        self.loop, self.sock = loop, sock

    def on_event(self, mask):
        try:
            conn, _ = self.sock.accept()
        except (BlockingIOError, InterruptedError):
            return
        conn.setblocking(False)
        self.loop.add(Echo(self.loop, conn))

    def interest(self):
        return selectors.EVENT_READ

    def close(self):
        pass  # the listening socket belongs to the caller


class Echo:
    def __init__(self, loop, sock):
        self.loop, self.sock = loop, sock
        self.chunks = []
        self.pending = 0

    def interest(self):
        mask = 0
        if self.pending < LIMIT:
            mask |= selectors.EVENT_READ
        if self.pending:
            mask |= selectors.EVENT_WRITE
        return mask

    def on_event(self, mask):
        if mask & selectors.EVENT_READ:
            try:
                data = self.sock.recv(32768)
            except (BlockingIOError, InterruptedError):
                data = None
            except OSError:
                data = b""
            if data == b"":
                self.loop.remove(self)
                return
            if data:
                self.chunks.append(memoryview(data))
                self.pending += len(data)
        if mask & selectors.EVENT_WRITE:
            while self.chunks:
                try:
                    n = self.sock.send(self.chunks[0])
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:
                    self.loop.remove(self)
                    return
                self.pending -= n
                if n == len(self.chunks[0]):
                    self.chunks.pop(0)
                else:
                    self.chunks[0] = self.chunks[0][n:]
                    break
        self.loop.update(self)

    def close(self):
        self.sock.close()


class Loop:
    def __init__(self):
        self.sel = selectors.DefaultSelector()
        self.handlers = {}

    def add(self, handler):
        self.handlers[handler.sock] = handler
        self.sel.register(handler.sock, handler.interest(), handler)

    def update(self, handler):
        if handler.sock in self.handlers:
            mask = handler.interest()
            if mask:
                self.sel.modify(handler.sock, mask, handler)

    def remove(self, handler):
        self.sel.unregister(handler.sock)
        del self.handlers[handler.sock]
        handler.close()

    def close(self):
        for handler in list(self.handlers.values()):
            self.remove(handler)
        self.sel.close()


def echo_server(listen_sock: socket.socket, stop_event) -> None:
    listen_sock.setblocking(False)
    loop = Loop()
    try:
        loop.add(Acceptor(loop, listen_sock))
        while not stop_event.wait(0):
            for key, mask in loop.sel.select(0.2):
                key.data.on_event(mask)
    finally:
        loop.close()
