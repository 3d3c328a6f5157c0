# catches: `send` without handling partial writes
# fails: test_large_payload_echoed_exactly, test_slow_reader_does_not_stall_others
"""Selectors and non-blocking sockets, but sock.send(data) as if it always sent
everything: what does not fit in the socket buffer is lost."""

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
                    conn.setblocking(False)
                    sel.register(conn, selectors.EVENT_READ)
                    clients.append(conn)
                    continue
                try:
                    data = sock.recv(65536)
                except BlockingIOError:
                    continue
                if not data:
                    sel.unregister(sock)
                    clients.remove(sock)
                    sock.close()
                    continue
                try:
                    sock.send(data)
                except BlockingIOError:
                    pass  # the socket buffer is full: drop it
    finally:
        for conn in clients:
            conn.close()
        sel.close()
