"""Public tests for the event_loop exercise. Run them with `grader check event_loop`
(or `pytest` in this folder)."""

from __future__ import annotations

import socket
import threading

from event_loop import echo_server

from grader.testing import start_call


def run_server():
    listen = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listen.bind(("127.0.0.1", 0))  # port 0: any free port
    listen.listen(16)
    stop = threading.Event()
    return listen, stop, start_call(echo_server, listen, stop)


def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        assert chunk, f"the server closed the connection after {len(data)} of {n} bytes"
        data += chunk
    return data


def test_echo_two_clients_and_stop():
    listen, stop, server = run_server()
    clients = []
    try:
        for _ in range(2):
            client = socket.create_connection(listen.getsockname(), timeout=3)
            clients.append(client)
        for i, client in enumerate(clients):
            message = f"hello from client {i}".encode()
            client.sendall(message)
            assert recv_exactly(client, len(message)) == message
    finally:
        stop.set()
        for client in clients:
            client.close()
        try:
            server.finish("echo_server after stop_event.set()", deadline=3)
        finally:
            listen.close()


def test_silent_client_does_not_block_another():
    listen, stop, server = run_server()
    clients = []
    try:
        silent = socket.create_connection(listen.getsockname(), timeout=3)
        clients.append(silent)
        talker = socket.create_connection(listen.getsockname(), timeout=3)
        clients.append(talker)
        talker.sendall(b"ping")
        assert recv_exactly(talker, 4) == b"ping"
    finally:
        stop.set()
        for client in clients:
            client.close()
        try:
            server.finish("echo_server after stop_event.set()", deadline=3)
        finally:
            listen.close()
