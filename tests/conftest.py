"""Shared fixtures of the project's own tests."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from grader.course import Course, Exercise, load_course
from grader.discover import Submission
from grader.grade import Options
from grader.model import StudentResult
from grader.runner import procs

# Fixtures are graded by the tests, never run as tests themselves.
collect_ignore = ["fixtures", "wrong", "alt", "hostile"]

# Every process the suite starts inherits this mark, wherever it ends up (a
# setsid()ed grandchild, a sandbox's PID namespace): the session's end checks
# that none of them is still running.
SUITE_MARK = f"GRADER_TEST_SUITE={uuid.uuid4().hex}"
os.environ["GRADER_TEST_SUITE"] = SUITE_MARK.split("=", 1)[1]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(ROOT)


def grade_class(course: Course, submissions: list[Submission], exercises: list[Exercise],
                options: Options, out: Path, jobs: int = 2) -> dict[str, StudentResult]:
    """Submissions graded as `grader grade` grades them (grader.batch), every
    report written into ``out``; each student's result by name."""
    from grader.batch import ClassGrading
    from grader.reports import FORMATS, write_class

    results = ClassGrading(course, submissions, exercises, options, out, jobs=jobs,
                           formats=FORMATS).run()
    write_class(out, results, [ex.slug for ex in exercises], FORMATS)
    return {r.student: r for r in results}


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """Every test must leave no process of its own running."""
    before = procs.descendants({os.getpid()})
    yield
    from grader.testing import wait_until

    left = procs.descendants({os.getpid()}) - before
    assert wait_until(lambda: not (procs.descendants({os.getpid()}) - before), 10), (
        f"processes left running: {sorted(left)}")


def marked_processes() -> list[int]:
    """Processes other than this one that were started by this test session."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as f:
                environ = f.read().split(b"\0")
            with open(f"/proc/{name}/stat", "rb") as f:
                zombie = f.read().rsplit(b")", 1)[-1].split()[0] == b"Z"
        except OSError:
            continue
        if SUITE_MARK.encode() in environ and not zombie:
            found.append(int(name))
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After the whole suite, no process it started may still be running
    (checked once, by the main pytest process, after every worker is done)."""
    from grader.testing import wait_until

    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the others may still be running

    if not wait_until(lambda: not marked_processes(), 15):
        left = marked_processes()
        print(f"\nprocesses started by the test suite still running: {left}")
        session.exitstatus = 1
