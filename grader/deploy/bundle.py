"""What a release copies: the grader as an installable package, the course
(or one assignment of it) as course.toml plus folders, and nothing secret
unless asked for.

- :func:`write_package`: ``grader/`` and a ``pyproject.toml`` that installs it
  with ``pip install .`` or ``pip install -e .`` in a fresh venv: the runtime
  dependencies of this very grader and every package file it reads.
- :func:`write_course_files`: ``course.toml`` and the exercises' folders; the
  hidden tests only for a grading copy, the solutions never.
"""

from __future__ import annotations

import datetime
import re
import shutil
from importlib import metadata
from pathlib import Path

import grader
from grader.course import COURSE_FILE, Course
from grader.reports.atomic import write_text
from grader.versions import SUPPORTED

IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "*.ipynb",
                                ".ipynb_checkpoints", ".grader-checks.json")
DISTRIBUTION = "concurrency-grader"
# The runtime dependencies when the grader is not installed as a distribution
# (run from a checkout with PYTHONPATH); pyproject.toml's [project] dependencies.
_FALLBACK = ("pytest>=7.4", "pytest-json-report>=1.5", "rich>=13.0", "Jinja2>=3.1")

GITIGNORE = """.venv/
__pycache__/
*.egg-info/
build/
.ipynb_checkpoints/
.grader-checks.json
"""


PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
description = "{title}: the grader, for `grader check` and `grader grade`"
requires-python = "{python}"
dependencies = [{dependencies}]

[project.scripts]
grader = "grader.cli:main"

[project.entry-points.pytest11]
grader = "grader.plugin"

[tool.setuptools.packages.find]
include = ["grader*"]

[tool.setuptools.package-data]
# every file of the package: templates, the runs' sitecustomize, deployment files
grader = ["**/*"]
"""


def runtime_requirements() -> list[str]:
    """What ``grader check`` and ``grader grade`` need: the installed grader's
    own dependencies without its extras (the instructor's tools, the dev tools)."""
    try:
        found = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return list(_FALLBACK)
    return [r for r in found if "extra" not in r.partition(";")[2]] or list(_FALLBACK)


def write_package(course: Course, out: Path) -> None:
    """``out/grader`` and ``out/pyproject.toml``: the grader, installable."""
    package = Path(grader.__file__).resolve().parent
    shutil.copytree(package, out / "grader", ignore=IGNORE)
    deps = ", ".join(f'"{r}"' for r in runtime_requirements())
    write_text(out / "pyproject.toml", PYPROJECT.format(
        name=DISTRIBUTION, version=_version(course.version), python=SUPPORTED,
        title=course.title.replace('"', "'"), dependencies=deps))


def _version(text: str) -> str:
    """The course's version as a package version pip accepts."""
    cleaned = re.sub(r"[^0-9.]", ".", text).strip(".")
    cleaned = re.sub(r"\.+", ".", cleaned)
    return cleaned or "0"


def course_toml(course: Course) -> str:
    """course.toml for ``course`` as it is (the whole course, or narrowed to one
    assignment): every exercise entry spelt out, points already scaled."""
    import tomli_w

    exercises = []
    for ex in course.exercises.values():
        entry: dict = {"slug": ex.slug, "title": ex.title, "part": ex.part,
                       "files": list(ex.files), "points": ex.points, "timeout": ex.timeout,
                       "test_timeout": ex.test_timeout}
        entry.update({k: getattr(ex.limits, k) for k in (
            "memory_mb", "cpu_seconds", "file_size_mb", "open_files", "output_kb",
            "processes")})
        exercises.append(entry)
    assignments = []
    for a in course.assignments.values():
        entry = {"name": a.name, "title": a.title, "exercises": list(a.slugs)}
        if a.due:
            due = datetime.datetime.fromisoformat(a.due)
            entry["due"] = due.date() if len(a.due) == 10 else due
        if a.points is not None:
            entry["points"] = a.points
        assignments.append(entry)
    head = ("# Written by `grader release`" + (f" for assignment {course.scope}" if course.scope
                                               else "") + "; the course's own course.toml is "
            "the source.\n\n")
    return head + tomli_w.dumps({"course": {"title": course.title, "version": course.version},
                                 "assignment": assignments, "exercise": exercises})


def write_course_files(course: Course, out: Path, hidden: bool) -> None:
    """course.toml and each exercise's public folder into ``out``; with
    ``hidden``, the hidden tests too (a grading copy). Never the solutions."""
    if course.scope:
        write_text(out / COURSE_FILE, course_toml(course))
    else:
        shutil.copyfile(course.root / COURSE_FILE, out / COURSE_FILE)
    for exercise in course.exercises.values():
        shutil.copytree(exercise.exercise_dir, out / "exercises" / exercise.slug, ignore=IGNORE)
        if hidden and exercise.hidden_dir.is_dir():
            shutil.copytree(exercise.hidden_dir, out / "hidden" / exercise.slug, ignore=IGNORE)


def write_grading(course: Course, out: Path) -> list[Path]:
    """The grading copy: the grader, course.toml, exercises and hidden tests."""
    write_package(course, out)
    write_course_files(course, out, hidden=True)
    write_text(out / "README.md", f"# {course.title}: the grading copy\n\n"
               "Written by `grader release`: the grader, course.toml, every exercise's "
               "public folder and its hidden tests; no solutions. Keep it private: it is "
               "what graders read (the private course repository of the GitHub Classroom "
               "workflows, the nbgrader course's test cells).\n\n"
               "    pip install .\n    grader grade SUBMISSIONS --out DIR --assignment NAME\n")
    write_text(out / ".gitignore", GITIGNORE)
    return []
