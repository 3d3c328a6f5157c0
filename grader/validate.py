"""``grader validate``: the course checks itself. Every reference solution
passes its public and hidden tests; every stub fails its hidden tests."""

from __future__ import annotations

import time
from dataclasses import dataclass

from grader.course import Course, CourseError, Exercise
from grader.grade import Options, expected_tests, spec_for
from grader.grade import score_outcome as _score
from grader.model import ExerciseResult, Status
from grader.runner.run import run_tests


@dataclass
class Check:
    """The verdict on one exercise."""

    slug: str
    tests: int
    solution: ExerciseResult
    stub: ExerciseResult
    seconds: float
    broken: str = ""  # the exercise's tests cannot even be collected

    @property
    def hidden_seconds(self) -> float:
        """How long the hidden tests took on the reference solution."""
        return sum(t.duration for t in self.solution.tests if t.hidden)

    @property
    def solution_ok(self) -> bool:
        return self.solution.status is Status.PASSED

    @property
    def stub_ok(self) -> bool:
        hidden = [t for t in self.stub.tests if t.hidden]
        return any(t.status is not Status.PASSED for t in hidden)

    @property
    def ok(self) -> bool:
        return self.solution_ok and self.stub_ok and bool(self.tests)

    def problems(self) -> list[str]:
        if self.broken:
            return [self.broken]
        found = []
        if not self.tests:
            found.append("no tests were collected")
        if not self.solution_ok:
            bad = [f"{t.name}: {t.status}: {t.message.splitlines()[0] if t.message else ''}"
                   for t in self.solution.tests if t.status is not Status.PASSED]
            found.append("the solution fails " + "; ".join(bad or [self.solution.message]))
        if not self.stub_ok:
            found.append("the stub passes every hidden test")
        return found


def run_files(exercise: Exercise, files: dict, seed: int = 0) -> ExerciseResult:
    """Grade the given files (public and hidden tests) without a submission folder."""
    expected = expected_tests(exercise, hidden=True)
    outcome = run_tests(spec_for(exercise, files, Options(hidden=True, seed=seed)), expected)
    return _score(exercise, expected, outcome)


def check_exercise(exercise: Exercise, seed: int = 0) -> Check:
    start = time.monotonic()
    try:
        expected = expected_tests(exercise, hidden=True)
    except CourseError as exc:
        empty = ExerciseResult(exercise.slug, Status.ERROR, exercise.points)
        return Check(exercise.slug, 0, empty, empty, time.monotonic() - start, str(exc))
    solution = run_files(exercise, exercise.solution_files(), seed)
    stub = run_files(exercise, exercise.stub_files(), seed)
    return Check(exercise.slug, len(expected), solution, stub, time.monotonic() - start)


def validate(course: Course, slugs: list[str] | None = None, seed: int = 0) -> list[Check]:
    return [check_exercise(ex, seed) for ex in course.select(slugs)]
