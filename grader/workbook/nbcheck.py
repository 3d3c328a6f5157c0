"""Run an exercise's tests from a notebook cell (nbgrader's grade cells).

The tests run in the grader's isolated child process, with its time limits and
deadlock diagnostics, never in the notebook's kernel: a deadlock in the
student's code fails the cell with a report instead of hanging the kernel.

Where the cell runs decides which tests run. When nbgrader grades (the course
directory's ``nbgrader_config.py`` sets ``GRADER_NBGRADER_COURSE`` to the
grading copy of the course beside it), the exercise's public and hidden tests
come from that copy: the hidden tests are never written into a notebook, so
they never appear in a student's notebook or feedback. Anywhere else (a
student's kernel), the public tests the cell carries run.
Scoring is :mod:`grader.grade`'s, as for every other run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from grader.course import Course, CourseError, Exercise, load_course
from grader.grade import Options, grade_found
from grader.model import ExerciseResult, Status
from grader.notebook import Found
from grader.reports import student

COURSE_VAR = "GRADER_NBGRADER_COURSE"  # set by the nbgrader course's nbgrader_config.py


def grading_course() -> Course | None:
    """The grading copy of the course, when nbgrader grades."""
    root = os.environ.get(COURSE_VAR)
    if not root:
        return None
    try:
        return load_course(root)
    except CourseError:
        return None


def _carried(slug: str, files: list[str], tests: dict[str, str], points: float,
             timeout: float, test_timeout: float, root: Path) -> Exercise:
    """An exercise made of the public tests a cell carries (no stub: the run
    collects what it finds)."""
    folder = root / "exercises" / slug
    folder.mkdir(parents=True)
    for name, source in tests.items():
        (folder / name).write_text(source, encoding="utf-8")
    return Exercise(slug=slug, title=slug, part=1, files=tuple(files), points=points,
                    timeout=timeout, test_timeout=test_timeout, root=root)


def _print(result: ExerciseResult, redact: student.Redactor, public_only: bool) -> None:
    failures = []
    for test in result.tests:
        print(f"{str(test.status).upper():>10}  {test.name}")
        if test.status is not Status.PASSED:
            why = student.explain(test.status, result, test)
            failures.append(f"--- {test.name}: {test.status}\n{why.happened}\n"
                            f"{redact(test.message or result.message).rstrip()}")
    if failures:
        print("\n".join(failures))
    if public_only:
        print("(the public tests; the hidden tests run when your work is graded)")


def check_files(slug: str, files: list[str], tests: dict[str, str], points: float,
                timeout: float = 120.0, test_timeout: float = 15.0) -> float:
    """Run an exercise's tests on the student's ``files`` (written next to the
    notebook by its ``%%writefile`` cells); ``tests`` are the public tests the
    cell carries (file name -> code).

    Prints one line per test (and why each failure failed, in the words of the
    feedback, hidden tests' source removed) and returns the score out of
    ``points``, which nbgrader takes as the cell's partial credit. Raises
    AssertionError (no credit) when no test could run."""
    absent = [name for name in files if not Path(name).is_file()]
    if absent:
        raise AssertionError(f"{absent[0]} was not written: run the cell that starts with "
                             f"%%writefile {absent[0]} first")
    found = Found(folder=Path.cwd(), files={name: Path(name).resolve() for name in files})
    course = grading_course()
    scratch = Path(tempfile.mkdtemp(prefix="grader-nb-"))
    try:
        if course is not None and slug in course.exercises:
            exercise = course.exercises[slug]
            result = grade_found(exercise, found, Options(hidden=True))
            redact = student.Redactor(exercise.hidden_tests)
        else:
            exercise = _carried(slug, files, tests, points, timeout, test_timeout, scratch)
            result = grade_found(exercise, found, Options(hidden=False))
            redact = student.Redactor()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if result.status is Status.ERROR and all(t.status is Status.ERROR for t in result.tests):
        raise AssertionError("the code could not be imported, or no test could run:\n"
                             + redact(result.message))
    if not result.tests:
        raise AssertionError("no test ran: " + (redact(result.message) or "nothing collected"))
    _print(result, redact, public_only=course is None)
    return round(points * result.score / exercise.points, 4) if exercise.points else 0.0
