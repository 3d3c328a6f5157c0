"""``grader release --out DIR [--assignment NAME]``: everything a course hands
out or deploys, for the whole course or one assignment.

- ``DIR/student``: the student bundle. Task texts, stubs, public tests,
  notebooks, the workbook's chapters, a README and the grader itself,
  installable on its own (``pip install .`` or ``-e .``) for ``grader check``.
  Never ``hidden/`` or ``solutions/``.
- ``DIR/grading``: the grading copy: the bundle's grader and course plus the
  hidden tests, no solutions. The private course repository that GitHub
  Classroom workflows read, and what the nbgrader course grades with.
- ``DIR/nbgrader``: an nbgrader course directory, one nbgrader assignment per
  assignment (:mod:`grader.deploy.nbgrader`).
- ``DIR/gradescope/NAME.zip``: a Gradescope autograder per assignment
  (:mod:`grader.deploy.gradescope`).
- ``DIR/classroom/NAME``: a GitHub Classroom template repository per
  assignment (:mod:`grader.deploy.classroom`).

Each part is built in a scratch folder beside its target and swapped in at
the end, so a failed release leaves the old one.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import Course, CourseError
from grader.deploy import bundle, classroom, gradescope, nbgrader
from grader.deploy.student import write_student


class ReleaseError(CourseError):
    """The release would overwrite something; the message says what to do."""


@dataclass
class Release:
    """What a release wrote."""

    out: Path
    exercises: list[str] = field(default_factory=list)
    notebooks: list[Path] = field(default_factory=list)
    zips: list[Path] = field(default_factory=list)
    templates: list[Path] = field(default_factory=list)

    @property
    def student(self) -> Path:
        return self.out / "student"

    @property
    def grading(self) -> Path:
        return self.out / "grading"

    @property
    def nbgrader(self) -> Path:
        return self.out / "nbgrader"


def _swap(built: Path, target: Path) -> None:
    """Put ``built`` in place of ``target`` (removing the old one)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    built.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _targets(course: Course, out: Path) -> list[tuple[Path, Callable[[Path], list[Path]]]]:
    found: list[tuple[Path, Callable[[Path], list[Path]]]] = [
        (out / "student", lambda into: write_student(course, into)),
        (out / "grading", lambda into: bundle.write_grading(course, into)),
        (out / "nbgrader", lambda into: nbgrader.write_course(course, into)),
        (out / "gradescope", lambda into: gradescope.write_zips(course, into)),
        (out / "classroom", lambda into: classroom.write_templates(course, into)),
    ]
    return found


def release(course: Course, out: Path, force: bool = False) -> Release:
    """Write every part of a release of ``course`` (the whole course, or one
    assignment: see :meth:`Course.narrow`) into ``out``. An existing part is
    replaced only with ``force``: it may hold work (a student's, nbgrader's
    gradebook, a template repository's git history)."""
    targets = _targets(course, out)
    for target, _ in targets:
        if not force and target.exists() and any(target.iterdir()):
            raise ReleaseError(f"{target} already exists; pass --force to replace it, or "
                               "choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    result = Release(out=out, exercises=list(course.exercises))
    for target, writer in targets:
        scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=out))
        try:
            written = writer(scratch)
            _swap(scratch, target)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        for path in written:
            moved = target / path.relative_to(scratch)
            if moved.suffix == ".ipynb":
                result.notebooks.append(moved)
            elif moved.suffix == ".zip":
                result.zips.append(moved)
            else:
                result.templates.append(moved)
    return result
