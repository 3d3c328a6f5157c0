"""What every Python process of a run does before anything else: register
the stack dump handler (so the grader can see where each thread is) and
install the diagnostics (instrumented ``threading``, the watchdog). The run's
``sitecustomize`` calls it at interpreter start-up (a cold child, and every
``spawn`` or ``forkserver`` grandchild); a child forked by the warm server
calls it itself; forked grandchildren inherit it."""

from __future__ import annotations

import os

_done = False


def install() -> None:
    """Once per process, and only in a run (``GRADER_RUN_DIR`` is set)."""
    global _done
    run_dir = os.environ.get("GRADER_RUN_DIR")
    if _done or not run_dir:
        return
    _done = True
    from grader.diagnostics import state
    from grader.runner import stacks

    stacks.install_everywhere(run_dir)
    student_dir = os.environ.get("GRADER_STUDENT_DIR")
    if student_dir:
        stacks.set_student_dirs(student_dir)
        state.student_dir = os.path.realpath(student_dir) + os.sep
    if os.environ.get("GRADER_DIAGNOSTICS", "1") != "0":
        from grader import diagnostics

        diagnostics.install()
