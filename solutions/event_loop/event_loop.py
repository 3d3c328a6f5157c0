"""Event-driven I/O: an echo server for many clients in one thread, on selectors.

Reference solution.
"""

from __future__ import annotations

import selectors
import socket

POLL = 0.05  # seconds between checks of stop_event while no socket is ready
CHUNK = 65536


def echo_server(listen_sock: socket.socket, stop_event) -> None:
    """Echo every byte each client sends back to it, for many clients at once,
    in the calling thread. Return once ``stop_event`` is set."""
    sel = selectors.DefaultSelector()
    pending: dict[socket.socket, bytearray] = {}  # bytes received, not yet sent back
    listen_sock.setblocking(False)
    sel.register(listen_sock, selectors.EVENT_READ)
    try:
        while not stop_event.is_set():
            for key, events in sel.select(timeout=POLL):
                sock = key.fileobj
                if sock is listen_sock:
                    _accept(sel, listen_sock, pending)
                    continue
                if events & selectors.EVENT_READ:
                    _read(sel, sock, pending)
                if events & selectors.EVENT_WRITE and sock in pending:
                    _write(sel, sock, pending)
    finally:
        for sock in list(pending):
            sel.unregister(sock)
            sock.close()
        sel.unregister(listen_sock)
        sel.close()


def _accept(sel, listen_sock, pending):
    try:
        conn, _addr = listen_sock.accept()
    except BlockingIOError:
        return
    conn.setblocking(False)
    pending[conn] = bytearray()
    sel.register(conn, selectors.EVENT_READ)


def _close(sel, sock, pending):
    sel.unregister(sock)
    del pending[sock]
    sock.close()


def _read(sel, sock, pending):
    try:
        data = sock.recv(CHUNK)
    except BlockingIOError:
        return
    except OSError:
        _close(sel, sock, pending)
        return
    if not data:  # the client closed its side
        _close(sel, sock, pending)
        return
    buf = pending[sock]
    if not buf:
        sel.modify(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
    buf += data


def _write(sel, sock, pending):
    buf = pending[sock]
    try:
        sent = sock.send(buf)  # may send only part of buf
    except BlockingIOError:
        return
    except OSError:
        _close(sel, sock, pending)
        return
    del buf[:sent]
    if not buf:
        sel.modify(sock, selectors.EVENT_READ)
