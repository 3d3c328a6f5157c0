"""A Gradescope autograder zip per assignment (``DIR/gradescope/NAME.zip``):
the grading copy of that assignment (the grader, a course.toml of its
exercises, their public folders and hidden tests; no solutions) with
``setup.sh`` and ``run_autograder`` at the top, which grade a submission for
that assignment only. docs/gradescope.md says how to use it."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from grader.course import Course
from grader.deploy import bundle

FILES = Path(__file__).resolve().parent / "files"
SCRIPTS = ("setup.sh", "run_autograder")


def write_zip(course: Course, assignment: str, path: Path) -> Path:
    """The autograder zip of one assignment of ``course``."""
    narrowed = course.narrow(assignment)
    stage = Path(tempfile.mkdtemp(prefix="grader-gradescope-"))
    try:
        bundle.write_grading(narrowed, stage)
        for name in SCRIPTS:
            text = (FILES / name).read_text(encoding="utf-8")
            (stage / name).write_text(text.replace("@ASSIGNMENT@", assignment),
                                      encoding="utf-8")
            (stage / name).chmod(0o755)
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for folder, dirs, files in os.walk(stage):
                dirs.sort()
                for name in sorted(files):
                    file = Path(folder) / name
                    info = zipfile.ZipInfo.from_file(file, file.relative_to(stage).as_posix())
                    with open(file, "rb") as f:  # files at the top, not in a folder
                        archive.writestr(info, f.read(), zipfile.ZIP_DEFLATED)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return path


def write_zips(course: Course, out: Path) -> list[Path]:
    """One zip per assignment of ``course`` into ``out``."""
    return [write_zip(course, name, out / f"{name}.zip") for name in course.assignments]
