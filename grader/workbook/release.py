"""``grader release --out DIR``: what a student receives (``DIR/student``) and an
nbgrader course directory for instructors (``DIR/nbgrader``).

The student bundle holds the course's public side only: course.toml, task
texts, stubs, public tests, notebooks, the workbook's chapters, a README and
the grader itself (installable with pip, for ``grader check``). Never
``hidden/`` or ``solutions/``. Each half is built in a scratch folder beside
its target and swapped in at the end, so a failed release leaves the old one.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import grader
from grader.course import COURSE_FILE, Course, CourseError
from grader.workbook import nbgrader
from grader.workbook.build import (
    WORKBOOK_DIR,
    chapter_notebook,
    exercise_notebook,
    parts,
    write_notebook,
)

IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "*.ipynb",
                                ".ipynb_checkpoints")

PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "concurrency-grader"
version = "{version}"
description = "{title}: the grader, for `grader check`"
requires-python = ">=3.11"
dependencies = ["pytest>=7.4", "pytest-json-report>=1.5", "rich>=13.0"]

[project.scripts]
grader = "grader.cli:main"

[project.entry-points.pytest11]
grader = "grader.plugin"

[tool.setuptools.packages.find]
include = ["grader*"]

[tool.setuptools.package-data]
grader = ["runner/site/*.py"]
"""

README = """# {title}

Exercises for every topic of D. Beazley's "An Introduction to Python Concurrency",
in Python 3.11. Version {version}.

## Set up (once)

    python3 -m venv .venv && . .venv/bin/activate
    pip install -e .            # the grader, for `grader check`
    pip install jupyterlab      # only if you want to work in notebooks

## Work

- `workbook/partNN.ipynb`: one chapter per part of the tutorial: the idea, a
  runnable example, then that part's exercises.
- `exercises/SLUG/`: the task (`README.md`), the file(s) you write, the public
  tests, and `SLUG.ipynb`. Solve an exercise **either** in its `.py` file **or** in
  the marked cell(s) of its notebook (save the notebook). If you edit the `.py`
  file, the `.py` file is graded.
- `grader list` shows every exercise; `grader check SLUG` runs its public tests on
  your work. The final grade also counts hidden tests.

| exercise | part | points | files |
|---|---|---|---|
{rows}
"""


class ReleaseError(CourseError):
    """The release would overwrite something; the message says what to do."""


@dataclass
class Release:
    """What a release wrote."""

    student: Path
    nbgrader: Path
    exercises: list[str] = field(default_factory=list)
    notebooks: list[Path] = field(default_factory=list)


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


def write_student(course: Course, out: Path) -> list[Path]:
    """The student bundle's contents, into ``out``."""
    notebooks = []
    shutil.copyfile(course.root / COURSE_FILE, out / COURSE_FILE)
    package = Path(grader.__file__).resolve().parent
    shutil.copytree(package, out / "grader", ignore=IGNORE)
    (out / "pyproject.toml").write_text(
        PYPROJECT.format(version=course.version, title=course.title.replace('"', "'")),
        encoding="utf-8")
    for exercise in course.exercises.values():
        folder = out / "exercises" / exercise.slug
        shutil.copytree(exercise.exercise_dir, folder, ignore=IGNORE)
        path = folder / f"{exercise.slug}.ipynb"
        write_notebook(exercise_notebook(exercise), path)
        notebooks.append(path)
    for part in parts(course):
        path = out / WORKBOOK_DIR / f"part{part:02d}.ipynb"
        write_notebook(chapter_notebook(course, part), path)
        notebooks.append(path)
    rows = "\n".join(f"| `{ex.slug}` | {ex.part} | {ex.points:g} | {', '.join(ex.files)} |"
                     for ex in course.exercises.values())
    (out / "README.md").write_text(
        README.format(title=course.title, version=course.version, rows=rows), encoding="utf-8")
    return notebooks


def release(course: Course, out: Path, force: bool = False) -> Release:
    """Write ``out/student`` and ``out/nbgrader``; an existing one is replaced
    only with ``force`` (it may hold work: a student's, or nbgrader's gradebook)."""
    for target in (out / "student", out / "nbgrader"):
        if not force and target.exists() and any(target.iterdir()):
            raise ReleaseError(f"{target} already exists; pass --force to replace it, or "
                               "choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    result = Release(student=out / "student", nbgrader=out / "nbgrader",
                     exercises=list(course.exercises))
    for target, writer in ((result.student, write_student),
                           (result.nbgrader, nbgrader.write_course)):
        scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=out))
        try:
            written = writer(course, scratch)
            _swap(scratch, target)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        result.notebooks += [target / p.relative_to(scratch) for p in written]
    return result
