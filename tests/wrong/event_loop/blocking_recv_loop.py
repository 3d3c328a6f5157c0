# catches: a blocking `recv` loop (one silent client stalls the rest)
# fails: test_many_clients_take_turns, test_silent_client_does_not_stall_others, test_slow_reader_does_not_stall_others, test_returns_when_stop_event_set
"""Accepts a client, then serves it with blocking recv() until it disconnects:
the next client waits for the first one to leave."""

import socket


def echo_server(listen_sock, stop_event):
    listen_sock.settimeout(0.1)  # to see stop_event now and then
    while not stop_event.is_set():
        try:
            conn, _ = listen_sock.accept()
        except socket.timeout:
            continue
        conn.settimeout(None)
        with conn:
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    break
                if not data:
                    break
                conn.sendall(data)
