"""The child process of a run: apply the limits, then run pytest with the
grader's plugin and pytest-json-report, then leave at once.

``os._exit`` after pytest: a deadlocked non-daemon thread of the student's
would otherwise keep the process alive forever at interpreter shutdown.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys


def apply_limits(limits: dict[str, int]) -> None:
    """Resource limits chosen so that multiprocessing still works."""
    mb = 1024 * 1024
    wanted = {
        resource.RLIMIT_AS: limits["memory_mb"] * mb,
        resource.RLIMIT_CPU: limits["cpu_seconds"],
        resource.RLIMIT_FSIZE: limits["file_size_mb"] * mb,
        resource.RLIMIT_NOFILE: limits["open_files"],
        resource.RLIMIT_CORE: 0,
    }
    for which, value in wanted.items():
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value if which != resource.RLIMIT_CPU else hard))
    # A write past RLIMIT_FSIZE raises OSError instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def pytest_args(spec: dict) -> list[str]:
    """The pytest command line for a run spec."""
    targets = spec["select"] or spec["tests"]
    args = [
        *targets,
        "-p", "grader.plugin",
        "-p", "pytest_jsonreport.plugin",
        "-p", "no:cacheprovider",
        "--import-mode=importlib",
        "--rootdir", spec["tests_dir"],
        "-c", spec["ini"],
        "--json-report", "--json-report-file", spec["report"],
        "--json-report-omit", "streams", "log", "warnings", "keywords",
        "--grader-events", spec["events"],
        "--grader-test-timeout", str(spec["test_timeout"]),
        "--grader-student-dir", spec["workdir"],
        "-q", "--tb=short", "--color=no", "-o", "console_output_style=classic",
        # the grader's plugins are imported before pytest starts (the child and the
        # warm server need them): there is nothing in them to rewrite
        "-W", "ignore:Module already imported so cannot be rewritten:"
              "pytest.PytestAssertRewriteWarning",
    ]
    if spec.get("collect_only"):
        args.append("--collect-only")
    return args


def read_token() -> str | None:
    """The attempt's secret, from the pipe the parent handed down; the pipe is
    closed (and its number forgotten) before any student code runs."""
    fd = os.environ.pop("GRADER_TOKEN_FD", None)
    if fd is None:
        return None
    try:
        return os.read(int(fd), 256).decode() or None
    finally:
        os.close(int(fd))


def main(spec_path: str) -> None:
    with open(spec_path) as f:
        spec = json.load(f)
    from grader import plugin

    plugin.RUN_TOKEN = read_token()
    plugin.seal_tests(spec["tests"])
    apply_limits(spec["limits"])
    os.chdir(spec["workdir"])
    sys.path.insert(0, spec["workdir"])
    import pytest

    code = pytest.main(pytest_args(spec))
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(int(code))


if __name__ == "__main__":
    main(sys.argv[1])
