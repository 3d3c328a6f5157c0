"""The course validates, as `grader validate` checks it: every reference
solution passes, every stub fails; every must-catch wrong answer
(tests/wrong/SLUG/CASE.py, or a folder CASE/, with its header; stub.txt holds
the header of the exercise's own stub) fails the tests its header names and
keeps at most half the points; every correct alternative, written in another
style than the reference (tests/alt/SLUG/*.py and the sample class's alice),
passes.

All of them are graded once, as one class (grader.validate: in parallel,
cpu-sensitive tests alone), and each test below reads its case."""

from __future__ import annotations

import pytest
from conftest import ROOT

from grader.batch import default_jobs
from grader.course import load_course
from grader.validate import ALTERNATIVE, Validation, alternative_cases, validate, wrong_cases

COURSE = load_course(ROOT)
WRONG = wrong_cases(COURSE)
ALTERNATIVES = alternative_cases(COURSE)


@pytest.fixture(scope="module")
def validation() -> Validation:
    # Three runs per core, not the default two: its runs mostly wait (hung wrong
    # answers are waited out), and this is the longest path of `make test`
    # (measured alone: 334 s with 4 jobs, 282 s with 6; the verdicts the same).
    return validate(COURSE, jobs=default_jobs() * 3 // 2)


def test_the_course_validates(validation):
    """What `grader validate` checks of each exercise: its solution passes, its stub fails."""
    problems = [f"{c.slug}: {p}" for c in validation.checks for p in c.problems()]
    assert not problems, problems
    assert len(validation.checks) == len(COURSE.exercises)


def test_every_slug_has_wrong_and_alternative_solutions():
    for slug in COURSE.exercises:
        kinds = {(c.kind, c.name == "stub") for c in WRONG if c.slug == slug}
        assert ("stub", True) in kinds, f"no header for {slug}'s stub (tests/wrong/{slug}/stub.txt)"
        assert ("wrong", False) in kinds, f"no wrong solutions for {slug}"
        assert any(c.slug == slug for c in ALTERNATIVES), f"no alternative solutions for {slug}"


def problems_of(validation: Validation, label: str, kind: str) -> list[str]:
    [check] = [c for c in validation.cases if c.case.label == label
               and (c.case.kind == ALTERNATIVE) == (kind == ALTERNATIVE)]
    return check.problems()


@pytest.mark.parametrize("label", [c.label for c in WRONG])
def test_wrong_solution_is_caught_and_keeps_at_most_half(validation, label):
    assert not problems_of(validation, label, "wrong")


@pytest.mark.parametrize("label", [c.label for c in ALTERNATIVES])
def test_alternative_solution_passes(validation, label):
    assert not problems_of(validation, label, ALTERNATIVE)
