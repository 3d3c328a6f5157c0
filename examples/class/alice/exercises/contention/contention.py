"""A correct alternative: Thread subclasses, a plain attribute as the stop flag,
timings kept with time.monotonic_ns, the sockets closed by with-statements."""

from __future__ import annotations

import socket
import statistics
import threading
import time

PAUSE = 0.001


class Echo(threading.Thread):
    def __init__(self, sock: socket.socket) -> None:
        super().__init__(daemon=True)
        self.sock = sock

    def run(self) -> None:
        while data := self.sock.recv(1):
            self.sock.sendall(data)


class Hog(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.running = True
        self.total = 0

    def run(self) -> None:
        x = 0
        while self.running:
            x = (x * 31 + 7) % 1_000_003
        self.total = x


def io_latency(rounds: int, cpu_hog: bool) -> float:
    samples = []
    hog = Hog() if cpu_hog else None
    a, b = socket.socketpair()
    with a, b:
        echo = Echo(b)
        echo.start()
        if hog:
            hog.start()
        try:
            for _ in range(rounds):
                due = time.monotonic_ns() + int(PAUSE * 1e9)
                time.sleep(PAUSE)
                a.sendall(b"?")
                a.recv(1)
                samples.append((time.monotonic_ns() - due) / 1e9)
        finally:
            if hog:
                hog.running = False
                hog.join()
            a.shutdown(socket.SHUT_WR)
            echo.join()
    return statistics.median(samples)
