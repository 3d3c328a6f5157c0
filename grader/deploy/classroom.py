"""A GitHub Classroom template repository per assignment
(``DIR/classroom/NAME``): the student bundle of that assignment (its
exercises, public tests, notebooks, the grader for ``grader check``) and a
workflow, ``.github/workflows/grade.yml``, that grades every push with the
hidden tests read from a private course repository, names the student, and
writes the job summary and annotations. docs/classroom.md walks through it."""

from __future__ import annotations

from pathlib import Path

from grader.course import Course
from grader.deploy.student import write_student
from grader.reports.atomic import write_text

FILES = Path(__file__).resolve().parent / "files"
WORKFLOW = Path(".github") / "workflows" / "grade.yml"


def workflow(assignment: str) -> str:
    """The grading workflow of one assignment."""
    return (FILES / "grade.yml").read_text(encoding="utf-8").replace("@ASSIGNMENT@", assignment)


PUSHED = """
## Hand in: push

This repository is your hand-in. Every push is graded by
`.github/workflows/grade.yml` with the public and the hidden tests: open the
**Actions** tab, then the latest run, for your score and the feedback (what
happened, what was expected, what to try); each failed test is also marked on
the line of your file it points at. The hidden tests' code is never shown. Do
not change the workflow: your instructor grades what you push.
"""


def write_template(course: Course, assignment: str, out: Path) -> list[Path]:
    """The template repository of one assignment into ``out``."""
    written = write_student(course.narrow(assignment), out)
    readme = out / "README.md"
    write_text(readme, readme.read_text(encoding="utf-8") + PUSHED)
    write_text(out / WORKFLOW, workflow(assignment))
    return [*written, out / WORKFLOW]


def write_templates(course: Course, out: Path) -> list[Path]:
    """One template repository per assignment of ``course`` into ``out``."""
    return [path for name in course.assignments
            for path in write_template(course, name, out / name)]
