# catches: `send` without handling partial writes
# fails: test_slow_reader_does_not_stall_others
"""Selectors for reading, but the client sockets stay blocking and the echo goes
out with sendall(): a client that does not read stalls the whole server."""

import selectors


def echo_server(listen_sock, stop_event):
    sel = selectors.DefaultSelector()
    listen_sock.setblocking(False)
    sel.register(listen_sock, selectors.EVENT_READ)
    clients = []
    try:
        while not stop_event.is_set():
            for key, _ in sel.select(timeout=0.05):
                sock = key.fileobj
                if sock is listen_sock:
                    conn, _ = listen_sock.accept()
                    conn.setblocking(True)
                    sel.register(conn, selectors.EVENT_READ)
                    clients.append(conn)
                    continue
                try:
                    data = sock.recv(65536)
                    if data:
                        sock.sendall(data)
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(sock)
                    clients.remove(sock)
                    sock.close()
    finally:
        for conn in clients:
            conn.close()
        sel.close()
