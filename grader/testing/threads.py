"""Stopping student threads that would otherwise run forever.

A wrong solution may leave a thread looping in Python code (a busy-wait, a CPU
hog, a scheduler that never ends). Python cannot kill a thread, but it can
raise an exception inside one at its next bytecode: enough to end a loop that
does not catch it. The grader's plugin does this after every test for the
test's threads still burning CPU in the student's code, so one wrong answer
does not slow down every later test; authors can stop a hung call themselves.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Iterable

from grader.runner.stacks import current_frames
from grader.testing.observe import thread_cpu_time


class StoppedByTheTest(Exception):  # noqa: N818 - reads well in a student's traceback
    """Raised inside a thread that the test stopped because it never ended."""


def stop_thread(thread: threading.Thread, exc: type[BaseException] = StoppedByTheTest) -> bool:
    """Raise ``exc`` in ``thread`` at its next Python bytecode (a thread blocked
    in C code gets it only when it returns to Python). True if delivered."""
    if thread.ident is None or not thread.is_alive():
        return False
    return ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread.ident), ctypes.py_object(exc)) == 1


def running_code_of(thread: threading.Thread, files: set[str]) -> bool:
    """Whether ``thread`` has a frame in one of ``files`` (real paths)."""
    frame = current_frames().get(thread.ident or -1)
    while frame is not None:
        if os.path.realpath(frame.f_code.co_filename) in files:
            return True
        frame = frame.f_back
    return False


def spinning(threads: Iterable[threading.Thread], window: float = 0.05,
             share: float = 0.2) -> list[threading.Thread]:
    """The threads that used more than ``share`` of a CPU during ``window`` s."""
    threads = [t for t in threads if t.is_alive()]
    if not threads:
        return []
    before = {t: thread_cpu_time(t) for t in threads}
    time.sleep(window)  # a measuring window, not synchronisation
    return [t for t in threads
            if t.is_alive() and thread_cpu_time(t) - before[t] > share * window]


def stop_spinning(threads: Iterable[threading.Thread], files: Iterable[str],
                  deadline: float = 2.0) -> list[str]:
    """Stop those of ``threads`` that burn CPU in the given files; return their names."""
    real = {os.path.realpath(f) for f in files}
    busy = [t for t in spinning(t for t in threads if running_code_of(t, real))]
    for thread in busy:
        stop_thread(thread, SystemExit)
    end = time.monotonic() + deadline
    while any(t.is_alive() for t in busy) and time.monotonic() < end:
        time.sleep(0.01)
    return [t.name for t in busy]
