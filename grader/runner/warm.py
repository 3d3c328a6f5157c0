"""The warm server: pay an interpreter's start-up and the imports once, then
fork a child per run.

A server is a fresh interpreter (``python -m grader.runner.warm``) that imports
pytest, pytest-json-report, the grader's plugin and the diagnostics (imported,
not installed), then waits for requests on a socket. For each run it forks a
child that does what a cold child does: its own session (``setsid``), stdout
and stderr into the run's output file, the run's environment (so ``spawn`` and
``forkserver`` grandchildren still load the run's ``sitecustomize``), the
run's ``sitecustomize`` (stack dumps, instrumented ``threading``) installed
before any student code, then :func:`grader.runner.child.main` (limits, pytest,
``os._exit``). The server is not a subreaper: when a run's child dies, its
orphans go to the grader process, whose :mod:`procs` finds and kills them as
on the cold path. One server serves one run at a time (one per worker slot).

Not used under an argv prefix (a sandbox wrapping the child's command): the
run then takes the cold path (see ``_Run.start_child``). Forked children share
the server's hash seed (``PYTHONHASHSEED``); ``random`` reseeds itself at fork.
"""

from __future__ import annotations

import json
import os
import runpy
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from grader.runner import DROP_ENV, SITE_DIR

# the server is no run: it inherits no run's folders either
_DROP_ENV = (*DROP_ENV, "GRADER_RUN_DIR", "GRADER_STUDENT_DIR")
_PRELOAD = ("pytest", "_pytest.python", "_pytest.runner", "_pytest.terminal",
            "pytest_jsonreport.plugin", "grader.plugin", "grader.runner.child",
            "grader.runner.stacks", "grader.runner.procs", "grader.diagnostics.primitives",
            "grader.diagnostics.watchdog", "grader.diagnostics.report",
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

    def start(self, spec_path: Path, cwd: Path, env: dict[str, str], output: Path,
              token: str = "", cgroup: str | None = None) -> WarmChild:
        """Fork a child for one attempt of a run (``token``: the attempt's secret;
        ``cgroup``: the ``cgroup.procs`` file of the run's pids group)."""
        request = {"spec": str(spec_path), "cwd": str(cwd), "env": env, "output": str(output),
                   "token": token, "cgroup": cgroup}
        try:
            self.sock.sendall((json.dumps(request) + "\n").encode())
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


# -- the current process's server (set by whoever grades: a worker slot) ------
_server: WarmServer | None = None


def current() -> WarmServer | None:
    """The warm server of this process, if one was started and still lives."""
    global _server
    if _server is not None and not _server.alive():
        _server.close()
        _server = WarmServer()  # it died (killed from outside): start a fresh one
    return _server


def start() -> WarmServer:
    """Start this process's warm server (runs in this process then use it)."""
    global _server
    if _server is None:
        _server = WarmServer()
    return _server


def stop() -> None:
    """Stop this process's warm server, if any."""
    global _server
    if _server is not None:
        server, _server = _server, None
        server.close()


# -- the server side ------------------------------------------------------------
def _child(request: dict[str, Any], server_fd: int) -> None:
    """In the forked child: become a run's child process, then run it."""
    os.close(server_fd)
    os.setsid()
    out = os.open(request["output"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    os.close(null)
    if request.get("cgroup"):  # into the run's pids group before any student code
        try:
            Path(request["cgroup"]).write_text(str(os.getpid()))
        except OSError:
            pass
    os.environ.clear()
    os.environ.update(request["env"])
    if request.get("token"):  # handed to child.main as a cold child gets it: on a pipe
        read_end, write_end = os.pipe()
        os.write(write_end, request["token"].encode())
        os.close(write_end)
        os.environ["GRADER_TOKEN_FD"] = str(read_end)
    os.chdir(request["cwd"])
    sys.dont_write_bytecode = True
    sys.argv = [sys.argv[0], request["spec"]]
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:] = [request["cwd"], *extra, *[p for p in sys.path[1:] if p not in extra]]
    import faulthandler

    faulthandler.enable()  # as PYTHONFAULTHANDLER does for a cold child
    runpy.run_path(str(SITE_DIR / "sitecustomize.py"), run_name="sitecustomize")
    from grader.runner import child

    child.main(request["spec"])


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
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                _child(request, fd)
            finally:
                os._exit(70)
        sock.sendall((json.dumps({"pid": pid}) + "\n").encode())
        _, status = os.waitpid(pid, 0)
        sock.sendall((json.dumps({"exit": os.waitstatus_to_exitcode(status)}) + "\n").encode())


if __name__ == "__main__":
    serve(int(sys.argv[1]))
