"""The process tree of a run: find every process, kill them all, reap them.

``killpg`` misses a grandchild that called ``setsid()``. The grader makes
itself a child subreaper, so such orphans are re-parented to it; a run's
processes are then its child's descendants plus any new orphan of ours.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time

_PR_SET_CHILD_SUBREAPER = 36
_subreaper = False


def _forked() -> None:
    global _subreaper
    _subreaper = False  # a forked child is no subreaper, whatever its parent was


os.register_at_fork(after_in_child=_forked)


def become_subreaper() -> bool:
    """Make this process adopt orphaned descendants (Linux); True if it worked."""
    global _subreaper
    if not _subreaper:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            _subreaper = libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
        except (OSError, AttributeError):
            _subreaper = False
    return _subreaper


def parents() -> dict[int, int]:
    """pid -> parent pid for every process visible in /proc."""
    result: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat.rsplit(b")", 1)[-1].split()
        if len(fields) > 1:
            result[int(name)] = int(fields[1])
    return result


def descendants(roots: set[int], ppids: dict[int, int] | None = None) -> set[int]:
    """Every process below ``roots`` (not the roots themselves)."""
    ppids = parents() if ppids is None else ppids
    children: dict[int, list[int]] = {}
    for pid, ppid in ppids.items():
        children.setdefault(ppid, []).append(pid)
    found: set[int] = set()
    todo = list(roots)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def own_children(ppids: dict[int, int] | None = None) -> set[int]:
    """This process's direct children (adopted orphans included)."""
    ppids = parents() if ppids is None else ppids
    me = os.getpid()
    return {pid for pid, ppid in ppids.items() if ppid == me}


def run_processes(root: int, baseline: set[int]) -> set[int]:
    """The processes of a run: ``root`` (if still there), its descendants, and
    orphans adopted by us since the run began (children not in ``baseline``)
    with their descendants."""
    ppids = parents()
    adopted = own_children(ppids) - baseline - {root}
    tops = ({root} if root in ppids else set()) | adopted
    return tops | descendants(tops, ppids)


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: set[int]) -> float:
    """CPU time (user and system) used so far by the live processes ``pids``."""
    seen = (state_and_cpu(pid) for pid in pids)
    return sum(s[1] for s in seen if s is not None) / _TICK


def signal_all(pids: set[int], sig: int) -> None:
    """Send ``sig`` to each pid, ignoring the ones already gone."""
    for pid in pids:
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def _reap(pids: set[int], skip: int) -> None:
    for pid in pids:
        if pid == skip:
            continue
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass


def kill_run(root: int, baseline: set[int], rounds: int = 200) -> int:
    """SIGKILL every process of the run until none is left; reap our adopted
    orphans (``root`` itself is left to its Popen to reap). Returns how many
    processes were killed."""
    killed: set[int] = set()
    try:
        os.killpg(root, signal.SIGKILL)  # the child's own session and group
    except (ProcessLookupError, PermissionError):
        pass
    for _ in range(rounds):
        _reap(own_children() - baseline, skip=root)
        live = {p for p in run_processes(root, baseline) if not _is_zombie(p)}
        if not live:
            break
        killed |= live
        signal_all(live, signal.SIGKILL)
        time.sleep(0.01)
    _reap(own_children() - baseline, skip=root)
    return len(killed)


def state_and_cpu(pid: int) -> tuple[str, int] | None:
    """(state letter, CPU ticks used so far) of ``pid``; None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[-1].split()
        return fields[0].decode(), int(fields[11]) + int(fields[12])
    except (OSError, ValueError, IndexError):
        return None


def _is_zombie(pid: int) -> bool:
    seen = state_and_cpu(pid)
    return seen is None or seen[0] == "Z"


def reap_adopted(baseline: set[int], timeout: float = 2.0) -> None:
    """After the run's root is reaped, its dead children are re-parented to us:
    kill what still lives and reap every one of them, so no zombie is left."""
    end = time.monotonic() + timeout
    while True:
        adopted = own_children() - baseline
        if not adopted or time.monotonic() > end:
            return
        signal_all({p for p in adopted if not _is_zombie(p)}, signal.SIGKILL)
        _reap(adopted, skip=-1)
        time.sleep(0.01)
