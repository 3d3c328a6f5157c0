"""The bubblewrap sandbox of a run (Debian's ``bubblewrap`` package).

``prefix(run_dir, workdir)`` is the argv to put before the child's command:
no network, its own PID namespace (the run ends with its first process, and
takes every straggler with it), no capabilities, and a file system made of
read-only binds of what a run must read (the system's ``/usr``, Python, the
venv, the grader package) plus the run's scratch folder, read-write, and an
empty ``/tmp``. The course folder (hidden tests, solutions) and everything
else on the machine are not there at all. The prefix does not care how the
child is started (``subprocess``, or a warm server that forks runs).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import grader

BWRAP = "bwrap"
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
        "nsswitch.conf", "hosts", "os-release")
_TOP_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")


def read_only_paths() -> list[Path]:
    """What every run must read: Python, its libraries, the venv, the grader."""
    paths = {Path("/usr"), Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
             Path(sys.executable).resolve().parent.parent,
             Path(grader.__file__).resolve().parent}
    # Nested paths are covered by their parents.
    kept = sorted(paths, key=lambda p: len(p.parts))
    return [p for i, p in enumerate(kept) if not any(p.is_relative_to(q) for q in kept[:i])]


def prefix(run_dir: Path | str, workdir: Path | str) -> list[str]:
    """The bwrap argv (ending with ``--``) for one run rooted at ``run_dir``."""
    args = [BWRAP, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for name in _TOP_LINKS:
        top = Path("/") / name
        if top.is_symlink():
            args += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            args += ["--ro-bind", str(top), str(top)]
    for name in _ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for path in read_only_paths():
        args += ["--ro-bind", str(path), str(path)]
    run = str(Path(run_dir).resolve())
    args += ["--bind", run, run, "--chdir", str(Path(workdir).resolve()), "--"]
    return args


@cache
def available() -> bool:
    """True if bubblewrap is installed and can start Python here (tried once)."""
    if shutil.which(BWRAP) is None:
        return False
    from grader.runner import procs

    procs.become_subreaper()  # bwrap's own helpers end up ours: reap them
    baseline = procs.own_children()
    with tempfile.TemporaryDirectory(prefix="grader-sandbox-") as folder:
        try:
            done = subprocess.run([*prefix(folder, folder), sys.executable, "-c", "import grader"],
                                  capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return False
        finally:
            procs.reap_adopted(baseline)
    return done.returncode == 0


def fallback_note() -> str:
    """What a run is protected by when there is no sandbox (said once per command)."""
    why = "bubblewrap is not installed" if shutil.which(BWRAP) is None else \
        "bubblewrap cannot start here"
    return (f"grader: no sandbox ({why}): runs are still separate processes with resource "
            "limits, a process cap, a clock and sealed test files, but they can use the "
            "network and read what this user can. See docs/threat-model.md.")
