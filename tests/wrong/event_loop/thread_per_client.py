# catches: a thread per client
# fails: test_one_thread_serves_all_clients
"""The classic threaded server: one thread per client, blocking I/O in each."""

import socket
import threading


def _serve(conn):
    with conn:
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            try:
                conn.sendall(data)
            except OSError:
                return


def echo_server(listen_sock, stop_event):
    listen_sock.settimeout(0.1)
    workers = []
    conns = []
    try:
        while not stop_event.is_set():
            try:
                conn, _ = listen_sock.accept()
            except socket.timeout:
                continue
            conn.settimeout(None)
            conns.append(conn)
            worker = threading.Thread(target=_serve, args=(conn,), daemon=True)
            worker.start()
            workers.append(worker)
    finally:
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for worker in workers:
            worker.join()
