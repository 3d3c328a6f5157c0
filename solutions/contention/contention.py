"""GIL contention: how long an I/O-bound thread waits when a CPU-bound thread
runs beside it. Reference solution."""

from __future__ import annotations

import socket
import statistics
import threading
import time

PAUSE = 0.001  # seconds the client is idle before each request


def _echo(sock: socket.socket) -> None:
    """Send back every byte received, until the other end closes."""
    while True:
        data = sock.recv(1)
        if not data:
            return
        sock.sendall(data)


def _spin(stop: threading.Event) -> None:
    """Burn CPU (Python bytecode, so it holds the GIL) until ``stop`` is set."""
    n = 0
    while not stop.is_set():
        for _ in range(1000):
            n += 1


def io_latency(rounds: int, cpu_hog: bool) -> float:
    """Median response time, in seconds, of a one-byte echo over a socketpair
    served by a thread, with (``cpu_hog=True``) or without a spinning thread."""
    client, server = socket.socketpair()
    stop = threading.Event()
    echo = threading.Thread(target=_echo, args=(server,), name="echo", daemon=True)
    hog = threading.Thread(target=_spin, args=(stop,), name="hog", daemon=True)
    times: list[float] = []
    try:
        echo.start()
        if cpu_hog:
            hog.start()
        for _ in range(rounds):
            due = time.perf_counter() + PAUSE
            time.sleep(PAUSE)  # idle, like a client between two requests
            client.sendall(b"x")
            if client.recv(1) != b"x":
                raise ConnectionError("the echo thread did not answer")
            times.append(time.perf_counter() - due)
    finally:
        stop.set()
        client.close()  # the echo thread reads b"" (end of stream) and returns
        if hog.is_alive():
            hog.join()
        echo.join()
        server.close()
    return statistics.median(times)
