"""Imported by every Python process of a graded run (the run puts this folder
on PYTHONPATH): registers the stack dump handler, so that spawned and
forkserver children can show their stacks too."""

import os

if os.environ.get("GRADER_RUN_DIR"):
    try:
        from grader.runner import stacks

        stacks.install_everywhere(os.environ["GRADER_RUN_DIR"])
        if os.environ.get("GRADER_STUDENT_DIR"):
            stacks.set_student_dirs(os.environ["GRADER_STUDENT_DIR"])
        if os.environ.get("GRADER_DIAGNOSTICS", "1") != "0":
            from grader import diagnostics

            diagnostics.install()
    except Exception:  # noqa: BLE001 - never break the student's process
        pass
