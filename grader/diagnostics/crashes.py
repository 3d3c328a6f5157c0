"""A thread or process of the student's code that dies with an exception.

Without help, such a death is a line on stderr, and whatever waited for the
thread's work waits until the test's time limit: the student reads "timed
out" or "stall". Here every death is kept as a ``crash`` diagnosis that says
which thread or process died, with what exception, at which line of the
student's code:

- threads: each thread's excepthook caller (``threading._make_invoke_excepthook``:
  pytest replaces ``threading.excepthook`` itself during a test), which then
  calls whatever hook is set, as before;
- processes (any start method): ``BaseProcess._bootstrap`` wraps the process's
  ``run`` in the child, which writes the diagnosis where the main process's
  watchdog reads other processes' diagnoses.

The watchdog fails the running test with it as soon as another thread of the
test waits (so the verdict shows what waited for the dead thread's work; or
after a stall window with none waiting); the findings add it to a test that
failed anyway.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any

from grader.diagnostics import explain, naming, state, timeline
from grader.runner.protocol import Diagnosis, Status, ThreadState

_real_make_invoke = threading._make_invoke_excepthook  # type: ignore[attr-defined]


def diagnosis(who: str, exc: BaseException) -> Diagnosis | None:
    """The crash of ``who``, if the exception came from the student's code."""
    frames = explain.traceback_frames(
        exc.__traceback__, lambda path: naming.is_student_file(path, state.student_dir))
    if not frames:
        return None  # not the student's code: a test's own thread, the grader's
    last = frames[-1]
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    summary = (f"{who} died with {text} at line {last.line} of {last.file} (in "
               f"{last.function}). Nothing that waited for its work can get it now.")
    timeline.record_at(time.monotonic(), who, "crash", type(exc).__name__, last.line,
                       last.file)
    return Diagnosis(Status.CRASH, summary, (ThreadState(who, waits="", frames=frames),),
                     timeline=timeline.picture(focus=(who,)),
                     advice=("Fix the error at that line. Where a thread's or a process's "
                             "work can fail, catch the exception there and hand it to whoever "
                             "waits for the result (a result slot, a queue), so it is raised "
                             "where the result is needed instead of killing the worker."))


def _make_invoke_excepthook() -> Any:
    """A thread's excepthook caller that records the crash first."""
    invoke = _real_make_invoke()

    def invoke_and_record(thread: threading.Thread) -> None:
        exc = sys.exc_info()[1]
        if exc is not None and not isinstance(exc, SystemExit):
            found = diagnosis(thread.name, exc)
            if found is not None:
                state.crashes.append((state.current_test, found))
        invoke(thread)

    return invoke_and_record


def _record_process(process: Any, exc: BaseException) -> None:
    found = diagnosis(f"process {process.name} (pid {os.getpid()})", exc)
    run_dir = os.environ.get("GRADER_RUN_DIR")
    if found is None or not run_dir:
        return
    folder = os.path.join(run_dir, "diagnoses")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"{os.getpid()}.jsonl"), "a") as f:
        f.write(json.dumps(found.to_dict()) + "\n")


def install() -> None:
    """Record every crash of this process's threads and of its processes."""
    from multiprocessing import process as mp_process

    threading._make_invoke_excepthook = _make_invoke_excepthook  # type: ignore[attr-defined]
    real_bootstrap = mp_process.BaseProcess._bootstrap  # type: ignore[attr-defined]
    if getattr(real_bootstrap, "_grader", False):
        return

    def _bootstrap(self: Any, *args: Any, **kwargs: Any) -> Any:
        run = self.run

        def run_and_record() -> Any:
            try:
                return run()
            except Exception as exc:
                _record_process(self, exc)
                raise

        self.run = run_and_record
        return real_bootstrap(self, *args, **kwargs)

    _bootstrap._grader = True  # type: ignore[attr-defined]
    mp_process.BaseProcess._bootstrap = _bootstrap  # type: ignore[attr-defined]
