"""Shared fixtures of the project's own tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.course import Course, load_course
from grader.runner import procs

# Fixtures are graded by the tests, never run as tests themselves.
collect_ignore = ["fixtures", "wrong", "alt", "hostile"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(ROOT)


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """Every test must leave no process of its own running."""
    before = procs.descendants({os.getpid()})
    yield
    from grader.testing import wait_until

    left = procs.descendants({os.getpid()}) - before
    assert wait_until(lambda: not (procs.descendants({os.getpid()}) - before), 10), (
        f"processes left running: {sorted(left)}")
