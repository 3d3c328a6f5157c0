"""The child process of a run: become the run's process (:func:`enter`), apply
the limits, then run pytest with the grader's plugin and pytest-json-report,
then leave at once (:func:`run`).

Every launcher ends here: a fresh interpreter (``python -m grader.runner.child
REQUEST``, sandboxed or not) and a fork of the warm server both call
:func:`enter` with the same :class:`~grader.runner.protocol.RunRequest`.

``os._exit`` after pytest: a deadlocked non-daemon thread of the student's
would otherwise keep the process alive forever at interpreter shutdown.
"""

from __future__ import annotations

import faulthandler
import os
import sys
from typing import NoReturn

from grader.runner import bootstrap, limits, mac, sealed
from grader.runner.protocol import RunRequest

TOKEN_FD = "GRADER_TOKEN_FD"  # the pipe a cold child reads the attempt's secret from


def pytest_args(request: RunRequest) -> list[str]:
    """The pytest command line of a request."""
    targets = list(request.select or request.tests)
    args = [
        *targets,
        "-p", "grader.plugin",
        "-p", "pytest_jsonreport.plugin",
        "-p", "no:cacheprovider",
        "--import-mode=importlib",
        "--rootdir", request.tests_dir,
        "-c", request.ini,
        "--json-report", "--json-report-file", request.report,
        "--json-report-omit", "streams", "log", "warnings", "keywords",
        "--grader-events", request.events,
        "--grader-test-timeout", str(request.test_timeout),
        "--grader-student-dir", request.workdir,
        "-q", "--tb=short", "--color=no", "-o", "console_output_style=classic",
        # the grader's plugins are imported before pytest starts (the child and the
        # warm server need them): there is nothing in them to rewrite
        "-W", "ignore:Module already imported so cannot be rewritten:"
              "pytest.PytestAssertRewriteWarning",
    ]
    if request.collect_only:
        args.append("--collect-only")
    return args


def read_token() -> str | None:
    """The attempt's secret, from the pipe the parent handed down; the pipe is
    closed (and its number forgotten) before any student code runs."""
    fd = os.environ.pop(TOKEN_FD, None)
    if fd is None:
        return None
    try:
        return os.read(int(fd), 256).decode() or None
    finally:
        os.close(int(fd))


def enter(request: RunRequest) -> None:
    """Become the run's process, whichever way this process was started: its
    own session, stdin closed and stdout and stderr into the run's output,
    inside the run's pids group, the run's whole environment, its working
    directory first on ``sys.path``, faulthandler on, and the stack dumps and
    diagnostics installed before any student code. (Parts of this a fresh
    interpreter already got from its launcher; doing them again is harmless.)"""
    if os.getsid(0) != os.getpid():
        try:
            os.setsid()
        except OSError:
            pass  # a process group leader already (and so in a session of its own)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    if request.output:
        out = os.open(request.output, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.close(out)
    if request.cgroup:
        try:
            with open(request.cgroup, "w") as f:
                f.write(str(os.getpid()))
        except OSError:
            pass  # not there (a sandbox hides it): the launcher put us in already
    os.environ.clear()
    os.environ.update(request.env)
    os.chdir(request.workdir)
    sys.dont_write_bytecode = True
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    rest = [p for p in sys.path if p not in extra and p not in ("", request.workdir)]
    sys.path[:] = [request.workdir, *extra, *rest]
    faulthandler.enable()
    bootstrap.install()


def run(request: RunRequest, token: str | None) -> NoReturn:
    """Seal the tests, apply the limits, run pytest, leave."""
    mac.run_token = token
    sealed.seal(list(request.tests))
    limits.apply(request.limits)
    import pytest

    code = pytest.main(pytest_args(request))
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(int(code))


def main(request_path: str) -> NoReturn:
    """A fresh interpreter's entry: the request from its file, the secret from its pipe."""
    with open(request_path, encoding="utf-8") as f:
        request = RunRequest.from_json(f.read())
    token = read_token()
    enter(request)
    run(request, token)


if __name__ == "__main__":
    main(sys.argv[1])
