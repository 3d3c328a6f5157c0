"""How a run's child is started. Three launchers, one child: each hands the
same :class:`~grader.runner.protocol.RunRequest` and the attempt's secret to
a process that ends in :func:`grader.runner.child.enter`.

- :class:`Cold`: a fresh interpreter, ``python -m grader.runner.child FILE``.
- :class:`Cold` with ``sandbox=True``: the same command under bubblewrap
  (:mod:`grader.runner.sandbox`).
- :class:`Warm`: a fork of a warm server that imported pytest and the grader
  once (:mod:`grader.runner.warm`); a class grading's worker keeps one.

The caller chooses (:func:`for_options`, or a worker's own :class:`Warm`);
:func:`environment` is the child's environment for all three.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from grader.runner import DROP_ENV, SITE_DIR, sandbox, warm
from grader.runner.child import TOKEN_FD
from grader.runner.pidcap import PidCap
from grader.runner.protocol import RunRequest

# The folder holding this grader package: the child imports the same grader as
# the parent (not another copy an installed venv may point to).
GRADER_HOME = Path(__file__).resolve().parent.parent.parent

Child = subprocess.Popen[bytes] | warm.WarmChild


def environment(*, work: Path, run_dir: Path, seed: int, exercise: str,
                base: Mapping[str, str] | None = None) -> dict[str, str]:
    """A run's environment: the grader's own minus what a run must not inherit,
    plus the run's folders, seed and settings (and the runs' sitecustomize
    on the path, so every Python process of the run is instrumented)."""
    env = {k: v for k, v in (os.environ if base is None else base).items()
           if k not in DROP_ENV}
    env.update(
        PYTHONPATH=os.pathsep.join([str(SITE_DIR), str(work), str(GRADER_HOME)]),
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
        MALLOC_ARENA_MAX="2",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONFAULTHANDLER="1",
        GRADER_RUN_DIR=str(run_dir),
        GRADER_STUDENT_DIR=str(work),
        GRADER_SEED=str(seed),
        GRADER_EXERCISE=exercise or "SLUG",
    )
    return env


class Launcher(Protocol):
    """Starts one attempt's child."""

    def ready(self) -> None:
        """Before an attempt (and before its processes are counted): anything
        the launcher itself needs running is running."""

    def start(self, request: RunRequest, request_file: Path, token: str,
              cap: PidCap) -> Child: ...


@dataclass(frozen=True)
class Cold:
    """A fresh interpreter per attempt; under bubblewrap with ``sandbox``."""

    sandbox: bool = False

    def ready(self) -> None:
        pass

    def command(self, request: RunRequest, request_file: Path) -> list[str]:
        """The child's command line: the ONE place where the sandbox applies."""
        cmd = [sys.executable, "-m", "grader.runner.child", str(request_file)]
        if self.sandbox:
            cmd = sandbox.prefix(request_file.parent, request.workdir) + cmd
        return cmd

    def start(self, request: RunRequest, request_file: Path, token: str,
              cap: PidCap) -> Child:
        read_end, write_end = os.pipe()
        os.write(write_end, token.encode())
        os.close(write_end)
        try:
            with open(request.output, "ab") as output:
                return subprocess.Popen(
                    cap.wrap(self.command(request, request_file)), cwd=request.workdir,
                    env={**request.env, TOKEN_FD: str(read_end)}, stdin=subprocess.DEVNULL,
                    stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
                    pass_fds=(read_end,))
        finally:
            os.close(read_end)


@dataclass
class Warm:
    """A warm server's fork per attempt. A server that died (a run killed it)
    is replaced before the next attempt; an attempt it fails goes cold."""

    server: warm.WarmServer | None = field(default_factory=warm.WarmServer)

    def ready(self) -> None:
        if self.server is None or not self.server.alive():
            self.close()
            self.server = warm.WarmServer()

    def start(self, request: RunRequest, request_file: Path, token: str,
              cap: PidCap) -> Child:
        if self.server is not None:
            try:
                return self.server.start(request, token)
            except warm.ServerGone:
                self.close()
        return Cold().start(request, request_file, token, cap)

    def close(self) -> None:
        if self.server is not None:
            server, self.server = self.server, None
            server.close()


def for_options(sandboxed: bool) -> Launcher:
    """The launcher of a run that has no warm server at hand."""
    return Cold(sandbox=sandboxed)
