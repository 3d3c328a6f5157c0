"""Every thread's stack of every process of a run.

Inside the run, each Python process registers ``faulthandler`` on SIGUSR1,
writing to ``RUN_DIR/stacks/PID.txt`` (re-registered after ``fork``; ``spawn``
and ``forkserver`` children get it from the run's ``sitecustomize``). The
grader sends SIGUSR1 to every process of the run and reads the files; inside
the child, the plugin formats its own threads with their names.
"""

from __future__ import annotations

import _thread
import faulthandler
import gc
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path
from types import FrameType
from typing import IO

STACK_DIR = "stacks"
_dump_file: IO[str] | None = None
_student_dirs: tuple[str, ...] = ()

_frames_lock = _thread.RLock()  # (reentrant: a signal handler of the thread may ask too)
_collector_paused = False  # current_frames turned the garbage collector off for a moment


def current_frames() -> dict[int, FrameType]:
    """``sys._current_frames()``, with the garbage collector paused meanwhile.

    On CPython 3.11 a collection can start inside that call, which makes frame
    objects while it holds the interpreter's thread-list lock; a finalizer the
    collection runs (a ``Popen``'s, closing its pipes) lets another thread take
    the GIL, and a thread that starts or ends then waits for that lock while
    holding the GIL: the whole process freezes, its signal handlers too
    (CPython gh-106883; seen here as a Pool that never finished under the fork
    start method). The grader's own calls all come here.
    """
    global _collector_paused
    with _frames_lock:
        if not gc.isenabled():
            return sys._current_frames()
        try:  # (a signal handler that raises in between still turns it back on)
            gc.disable()
            _collector_paused = True
            return sys._current_frames()
        finally:
            _collector_paused = False
            gc.enable()


def _after_fork_in_child() -> None:
    """A fork from another thread while the collector was paused here: the
    child has no such call under way (and no holder of the lock)."""
    global _frames_lock, _collector_paused
    _frames_lock = _thread.RLock()
    if _collector_paused:
        _collector_paused = False
        gc.enable()


os.register_at_fork(after_in_child=_after_fork_in_child)


def install_dump_handler(run_dir: str) -> None:
    """In a process of the run: dump all threads' stacks on SIGUSR1."""
    global _dump_file
    folder = os.path.join(run_dir, STACK_DIR)
    os.makedirs(folder, exist_ok=True)
    if _dump_file is not None:
        _dump_file.close()
    _dump_file = open(os.path.join(folder, f"{os.getpid()}.txt"), "w")  # noqa: SIM115
    faulthandler.register(signal.SIGUSR1, file=_dump_file, all_threads=True, chain=False)


def install_everywhere(run_dir: str) -> None:
    """Install the handler here and in every child forked from here."""
    install_dump_handler(run_dir)
    os.register_at_fork(after_in_child=lambda: install_dump_handler(run_dir))


def request_dumps(pids: set[int], run_dir: str | Path, wait: float = 0.5,
                  student_dir: str | Path | None = None, trim: bool = True) -> str:
    """Ask ``pids`` for their stacks; return what they wrote, one block per pid,
    trimmed to the frames in ``student_dir`` (default: the ones set here)."""
    if student_dir is not None:
        set_student_dirs(str(student_dir))
    folder = Path(run_dir) / STACK_DIR
    # Only processes that catch SIGUSR1: the signal's default action ends a process,
    # so asking one that has not registered the handler yet (a spawned worker still
    # starting up on a busy machine) would kill it. Not the sandbox's own either.
    pids = {pid for pid in pids if _comm(pid) != "bwrap" and catches_sigusr1(pid)}
    names = {pid: _own_pid(pid) for pid in pids}
    for pid in pids:
        path = folder / f"{names[pid]}.txt"
        if path.exists():
            path.write_text("")
        try:
            os.kill(pid, signal.SIGUSR1)
        except (ProcessLookupError, PermissionError):
            pass
    end = time.monotonic() + wait
    while time.monotonic() < end:
        if all((folder / f"{names[pid]}.txt").exists()
               and (folder / f"{names[pid]}.txt").stat().st_size for pid in pids):
            break
        time.sleep(0.02)
    time.sleep(0.05)  # let the last lines land
    blocks = []
    for pid in sorted(pids):
        path = folder / f"{names[pid]}.txt"
        text = path.read_text(errors="replace").strip() if path.exists() else ""
        if text:
            blocks.append(f"Process {pid}:\n{trim_faulthandler(text) if trim else text}")
    return "\n\n".join(blocks)


def thread_cpu(ident: int) -> float:
    """CPU seconds used so far by the thread ``ident`` of this process."""
    try:
        return time.clock_gettime(time.pthread_getcpuclockid(ident))
    except (OSError, ValueError):
        return 0.0


def catches_sigusr1(pid: int) -> bool:
    """Whether process ``pid`` has a handler for SIGUSR1 (its ``SigCgt`` mask)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) >> (signal.SIGUSR1 - 1) & 1)
    except (OSError, ValueError, IndexError):
        pass
    return False


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def _own_pid(pid: int) -> int:
    """The pid a process sees for itself (in a sandbox's PID namespace, not ours):
    the name of its dump file."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("NSpid:"):
                    return int(line.split()[-1])
    except (OSError, ValueError):
        pass
    return pid


def set_student_dirs(*dirs: str) -> None:
    """Frames from files in these folders are the student's."""
    global _student_dirs
    _student_dirs = tuple(os.path.realpath(d) + os.sep for d in dirs)


def _is_student(filename: str) -> bool:
    return (bool(_student_dirs) and os.path.isabs(filename)
            and os.path.realpath(filename).startswith(_student_dirs))


def _shorten(text: str) -> str:
    """Show the student's files by their own names, not the scratch path."""
    for folder in _student_dirs:
        text = text.replace(folder, "")
    return text


def trim_faulthandler(text: str) -> str:
    """Keep, per thread, the student's frames plus the innermost library frame;
    leave out the grader's own threads (the watchdog)."""
    out: list[str] = []
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        if not lines:
            continue
        header, frames = lines[0], lines[1:]
        files = [f.strip().split('"')[1] for f in frames if '"' in f]
        if files and all(f.startswith(_GRADER_DIR) for f in files):
            continue  # a thread of the grader's, not the student's
        kept = [f for i, f in enumerate(frames)
                if i == 0 or _is_student(f.strip().split('"')[1] if '"' in f else "")]
        if len(kept) < len(frames):
            kept.append(f"  ... {len(frames) - len(kept)} library frames not shown")
        out.append("\n".join([header, *kept]))
    return _shorten("\n".join(out))


_GRADER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def format_threads(current_frame: FrameType | None = None,
                   only: set[int] | None = None) -> str:
    """This process's threads by name, each trimmed to the student's frames plus
    the innermost library frame (all frames when no student folder is set).
    ``current_frame`` stands for the calling thread (a signal handler passes the
    interrupted frame, so the handler itself is not shown)."""
    names = {t.ident: t for t in threading.enumerate()}
    blocks = []
    me = threading.get_ident()
    for ident, frame in current_frames().items():
        if only is not None and ident not in only:
            continue
        if ident == me and current_frame is not None:
            frame = current_frame
        thread = names.get(ident)
        label = thread.name if thread else f"thread {ident:#x}"
        if thread is not None and thread.daemon:
            label += " (daemon)"
        entries = [e for e in traceback.extract_stack(frame)
                   if not e.filename.startswith(_GRADER_DIR)]
        shown = [e for i, e in enumerate(entries)
                 if not _student_dirs or i == len(entries) - 1 or _is_student(e.filename)]
        text = "".join(traceback.format_list(shown)).rstrip()
        blocks.append(f"{label}:\n{text}" if text else f"{label}: (no Python frames)")
    return _shorten("\n".join(blocks))
