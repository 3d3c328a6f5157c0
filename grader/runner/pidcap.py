"""A cap on how many processes and threads a run may have at once.

``RLIMIT_NPROC`` cannot do it: it is ignored for root and counts every process
of the user, not the run's. Where the machine lets the grader make a ``pids``
control group (cgroup v1 ``/sys/fs/cgroup/pids``, or a cgroup v2 folder with the
``pids`` controller), the run's child starts inside one with ``pids.max`` set:
a fork or thread start past the cap then fails in the student's code. The
parent also counts the run's processes while it watches the run and kills a
run that goes past the cap (the fallback where no control group can be made).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

V1_ROOT = Path("/sys/fs/cgroup/pids")
V2_ROOT = Path("/sys/fs/cgroup")


def _v2_parent() -> Path | None:
    """Our own cgroup v2 folder, if it hands the pids controller to sub-groups."""
    try:
        line = next(x for x in Path("/proc/self/cgroup").read_text().splitlines()
                    if x.startswith("0::"))
    except (OSError, StopIteration):
        return None
    folder = V2_ROOT / line[3:].lstrip("/")
    try:
        if "pids" in (folder / "cgroup.subtree_control").read_text().split():
            return folder
    except OSError:
        pass
    return None


def _remove_stale(parent: Path) -> None:
    """Empty groups left by graders that died without cleaning up."""
    try:
        stale = [p for p in parent.glob("grader-*-*")
                 if not Path(f"/proc/{p.name.split('-')[1]}").exists()]
    except OSError:
        return
    for path in stale:
        PidCap._rmdir(path)


class PidCap:
    """One run's pids control group (``path`` is None where none could be made)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.path: Path | None = None
        name = f"grader-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        for parent in (V1_ROOT if (V1_ROOT / "pids.max").exists() or
                       (V1_ROOT / "cgroup.procs").exists() else None, _v2_parent()):
            if parent is None:
                continue
            _remove_stale(parent)
            try:
                (parent / name).mkdir()
            except OSError:
                continue
            try:
                (parent / name / "pids.max").write_text(str(limit))
            except OSError:
                self._rmdir(parent / name)
                continue
            self.path = parent / name
            break

    def wrap(self, cmd: list[str]) -> list[str]:
        """``cmd`` started inside the group: a shell moves itself in, then execs
        ``cmd`` (no ``preexec_fn``, which is unsafe in a threaded parent)."""
        if self.path is None:
            return cmd
        return ["/bin/sh", "-c", '{ echo $$ > "$0"; } 2>/dev/null; exec "$@"',
                str(self.path / "cgroup.procs"), *cmd]

    def procs_file(self) -> str | None:
        """The file a process writes its pid into to join the group (None: no group)."""
        return str(self.path / "cgroup.procs") if self.path is not None else None

    def hit(self) -> bool:
        """True if a fork or thread start was refused because of the cap."""
        if self.path is None:
            return False
        try:
            for line in (self.path / "pids.events").read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "max" and int(value) > 0:
                    return True
        except (OSError, ValueError):
            pass
        return False

    def close(self) -> None:
        """Remove the group (its processes are gone by now)."""
        if self.path is not None:
            self._rmdir(self.path)
            self.path = None

    @staticmethod
    def _rmdir(path: Path) -> None:
        try:
            path.rmdir()
        except OSError:
            pass
