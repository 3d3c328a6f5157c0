# catches: a busy event loop (select with timeout=0 spins while idle)
# fails: test_idle_server_does_not_spin
"""Right in every way but one: select(timeout=0) in a loop never sleeps."""

import selectors


def echo_server(listen_sock, stop_event):
    sel = selectors.DefaultSelector()
    listen_sock.setblocking(False)
    sel.register(listen_sock, selectors.EVENT_READ)
    out = {}
    try:
        while not stop_event.is_set():
            for key, events in sel.select(timeout=0):
                sock = key.fileobj
                if sock is listen_sock:
                    conn, _ = listen_sock.accept()
                    conn.setblocking(False)
                    out[conn] = b""
                    sel.register(conn, selectors.EVENT_READ | selectors.EVENT_WRITE)
                    continue
                if events & selectors.EVENT_READ:
                    try:
                        data = sock.recv(65536)
                    except BlockingIOError:
                        data = None
                    if data == b"":
                        sel.unregister(sock)
                        del out[sock]
                        sock.close()
                        continue
                    if data:
                        out[sock] += data
                if events & selectors.EVENT_WRITE and out[sock]:
                    try:
                        sent = sock.send(out[sock])
                    except BlockingIOError:
                        sent = 0
                    out[sock] = out[sock][sent:]
    finally:
        for conn in out:
            conn.close()
        sel.close()
