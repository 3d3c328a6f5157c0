"""The student bundle: what a student installs and works in. Task texts,
stubs, public tests, notebooks, the workbook's chapters, a README and the
grader itself, installable on its own for ``grader list`` and ``grader
check``. Never ``hidden/`` or ``solutions/``."""

from __future__ import annotations

from pathlib import Path

from grader.course import Course
from grader.deploy import bundle
from grader.progress import write_stub_digests
from grader.reports.atomic import write_text
from grader.workbook.build import (
    WORKBOOK_DIR,
    chapter_notebook,
    exercise_notebook,
    parts,
    write_notebook,
)

README = """# {title}

Exercises for every topic of D. Beazley's "An Introduction to Python Concurrency",
in Python 3.11 and newer. Version {version}.

## Set up (once)

Python 3.11 or newer:

    python3 -m venv .venv && . .venv/bin/activate
    pip install -e .            # the grader, for `grader list` and `grader check`
    pip install jupyterlab      # only if you want to work in notebooks

## Work

- `workbook/partNN.ipynb`: one chapter per part of the tutorial: the idea, a
  runnable example, then that part's exercises.
- `exercises/SLUG/`: the task (`README.md`), the file(s) you write, the public
  tests, and `SLUG.ipynb`. Solve an exercise **either** in its `.py` file **or** in
  the marked cell(s) of its notebook (save the notebook). If you edit the `.py`
  file, the `.py` file is graded.
- `grader list` shows every exercise and where you stand: not started, edited, or
  the result of your last `grader check`.
- `grader check SLUG` runs an exercise's public tests on your work;
  `grader check --assignment NAME` runs those of a whole assignment. The final
  grade also counts hidden tests.

{assignments}
"""

def assignments_table(course: Course) -> str:
    """The bundle README's list of assignments and their exercises."""
    lines = []
    for a in course.assignments.values():
        due = f", due {a.due}" if a.due else ""
        points = sum(course.exercises[s].points for s in a.slugs)
        lines += [f"### `{a.name}`: {a.title or a.name} ({points:g} points{due})", "",
                  "| exercise | points | files |", "|---|---|---|"]
        lines += [f"| `{s}` | {course.exercises[s].points:g} | "
                  f"{', '.join(course.exercises[s].files)} |" for s in a.slugs]
        lines.append("")
    return "## Assignments\n\n" + "\n".join(lines)


def write_student(course: Course, out: Path) -> list[Path]:
    """The student bundle's contents, into ``out``; the notebooks written."""
    bundle.write_package(course, out)
    bundle.write_course_files(course, out, hidden=False)
    notebooks = []
    for exercise in course.exercises.values():
        path = out / "exercises" / exercise.slug / f"{exercise.slug}.ipynb"
        write_notebook(exercise_notebook(exercise), path)
        notebooks.append(path)
    for part in parts(course):
        path = out / WORKBOOK_DIR / f"part{part:02d}.ipynb"
        write_notebook(chapter_notebook(course, part), path)
        notebooks.append(path)
    write_text(out / "README.md", README.format(
        title=course.title, version=course.version, assignments=assignments_table(course)))
    write_text(out / ".gitignore", bundle.GITIGNORE)
    write_stub_digests(course, out)
    return notebooks


