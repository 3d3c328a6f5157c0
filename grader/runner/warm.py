"""The warm server: pay an interpreter's start-up and the imports once, then
fork a child per run.

A server is a fresh interpreter (``python -m grader.runner.warm``) that imports
pytest, pytest-json-report, the grader's plugin and the diagnostics (imported,
not installed), then waits for requests on a socket: a
:class:`~grader.runner.protocol.RunRequest` and the attempt's secret. For each
it forks a child that becomes the run's process exactly as a cold child does,
through :func:`grader.runner.child.enter` (session, output, pids group,
environment, stack dumps and instrumented ``threading`` before any student
code), then :func:`grader.runner.child.run` (limits, pytest, ``os._exit``).
The server is not a subreaper: when a run's child dies, its orphans go to the
grader process, whose :mod:`procs` finds and kills them as on the cold path.
One server serves one run at a time (one per worker slot): see
:class:`grader.runner.launch.Warm`, which also replaces a server that died.

Never used under a sandbox (bubblewrap wraps a command; a fork has none).
Forked children share the server's hash seed (``PYTHONHASHSEED``); ``random``
reseeds itself at fork.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from grader.runner import DROP_ENV
from grader.runner.protocol import RunRequest

# the server is no run: it inherits no run's folders either
_DROP_ENV = (*DROP_ENV, "GRADER_RUN_DIR", "GRADER_STUDENT_DIR")
_PRELOAD = ("pytest", "_pytest.python", "_pytest.runner", "_pytest.terminal",
            "pytest_jsonreport.plugin", "grader.plugin", "grader.runner.child",
            "grader.runner.stacks", "grader.runner.procs", "grader.diagnostics.primitives",
            "grader.diagnostics.watchdog", "grader.diagnostics.explain",
            "grader.diagnostics.naming", "grader.diagnostics.lockorder",
            "grader.testing.threads", "multiprocessing", "multiprocessing.process",
            "concurrent.futures", "queue", "json", "faulthandler")


class ServerGone(Exception):
    """The warm server died or stopped answering."""


class WarmChild:
    """A forked run's child, seen from the grader: ``pid``, ``poll()`` and
    ``wait()`` as a ``subprocess.Popen`` (exit code negative for a signal)."""

    def __init__(self, server: WarmServer, pid: int) -> None:
        self.server = server
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                message = self.server.receive(block=False)
            except ServerGone:
                return self._orphaned()
            if message is not None:
                self.returncode = int(message["exit"])
        return self.returncode

    def pause(self, seconds: float) -> None:
        """Sleep up to ``seconds``, waking at once if the child exits."""
        if self.returncode is None and not self.server.buffer:
            try:
                select.select([self.server.sock], [], [], seconds)
            except (OSError, ValueError):
                time.sleep(seconds)

    def wait(self) -> int:
        while self.returncode is None:
            try:
                message = self.server.receive(block=True)
            except ServerGone:
                if self._orphaned() is None:
                    time.sleep(0.01)
                continue
            if message is not None:
                self.returncode = int(message["exit"])
        return self.returncode

    def _orphaned(self) -> int | None:
        """The server died (the run killed it?): the child, if it lives on, is
        now ours (the grader is a subreaper); reap it here."""
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:  # not ours, or already reaped: gone
            if os.path.exists(f"/proc/{self.pid}"):
                return None
            self.returncode = -9
            return self.returncode
        if pid:
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


def _kill_now(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class WarmServer:
    """One warm server process, started now and stopped by :meth:`close`."""

    def __init__(self) -> None:
        mine, theirs = socket.socketpair()
        env = {k: v for k, v in os.environ.items() if k not in _DROP_ENV}
        env.update(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", MALLOC_ARENA_MAX="2",
                   PYTHONDONTWRITEBYTECODE="1")
        self.sock = mine
        self.buffer = b""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader.runner.warm", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), env=env, cwd="/", stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        theirs.close()

    def start(self, request: RunRequest, token: str = "") -> WarmChild:
        """Fork a child for one attempt of a run (``token``: the attempt's secret)."""
        message = {"request": request.to_json(), "token": token}
        try:
            self.sock.sendall((json.dumps(message) + "\n").encode())
        except OSError as exc:
            raise ServerGone(str(exc)) from exc
        try:
            reply = self.receive(block=True)
        except KeyboardInterrupt:  # the child may be forked already: it must not live on
            reply = self.receive(block=True)
            if reply and "pid" in reply:
                _kill_now(int(reply["pid"]))
            raise
        if reply is None or "pid" not in reply:
            raise ServerGone(f"unexpected reply {reply!r}")
        return WarmChild(self, int(reply["pid"]))

    def receive(self, block: bool) -> dict[str, Any] | None:
        """The next message from the server (None: none yet, when not blocking)."""
        while b"\n" not in self.buffer:
            self.sock.setblocking(block)
            try:
                data = self.sock.recv(65536)
            except BlockingIOError:
                return None
            except OSError as exc:
                raise ServerGone(str(exc)) from exc
            if not data:
                raise ServerGone("the warm server exited")
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """Stop the server and reap it."""
        try:
            self.sock.close()  # the server leaves on end of input
        finally:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- the server side ------------------------------------------------------------
def _child(message: dict[str, Any], server_fd: int) -> None:
    """In the forked child: become the run's process, then run it."""
    from grader.runner import child

    os.close(server_fd)
    request = RunRequest.from_json(message["request"])
    child.enter(request)
    child.run(request, message.get("token") or None)


def serve(fd: int) -> None:
    """The server's loop: one request (a run's attempt) at a time."""
    import importlib

    for name in _PRELOAD:
        importlib.import_module(name)
    try:  # leave with the grader process that started us
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PDEATHSIG
    except (OSError, AttributeError):
        pass
    sock = socket.socket(fileno=fd)
    reader = sock.makefile("rb")
    for line in reader:
        message = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                _child(message, fd)
            finally:
                os._exit(70)
        sock.sendall((json.dumps({"pid": pid}) + "\n").encode())
        _, status = os.waitpid(pid, 0)
        sock.sendall((json.dumps({"exit": os.waitstatus_to_exitcode(status)}) + "\n").encode())


if __name__ == "__main__":
    serve(int(sys.argv[1]))
