# catches: echo_server returns once stop_event is set (select() with no timeout never looks at it)
# fails: test_returns_when_stopped_without_clients
"""A correct event loop whose select() has no timeout: with no traffic it sleeps
forever and never sees stop_event."""

import selectors


def echo_server(listen_sock, stop_event):
    sel = selectors.DefaultSelector()
    listen_sock.setblocking(False)
    sel.register(listen_sock, selectors.EVENT_READ)
    out = {}
    try:
        while not stop_event.is_set():
            for key, events in sel.select():
                sock = key.fileobj
                if sock is listen_sock:
                    conn, _ = listen_sock.accept()
                    conn.setblocking(False)
                    out[conn] = bytearray()
                    sel.register(conn, selectors.EVENT_READ)
                    continue
                if events & selectors.EVENT_READ:
                    try:
                        data = sock.recv(65536)
                    except BlockingIOError:
                        continue
                    if not data:
                        sel.unregister(sock)
                        del out[sock]
                        sock.close()
                        continue
                    if not out[sock]:
                        sel.modify(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
                    out[sock] += data
                if events & selectors.EVENT_WRITE and sock in out and out[sock]:
                    try:
                        sent = sock.send(out[sock])
                    except BlockingIOError:
                        continue
                    del out[sock][:sent]
                    if not out[sock]:
                        sel.modify(sock, selectors.EVENT_READ)
    finally:
        for conn in out:
            conn.close()
        sel.close()
