"""``grader validate``: the course checks itself. Every reference solution
passes its public and hidden tests; every stub fails its hidden tests.

The checks are graded as a class is (:mod:`grader.batch`: in parallel, each
run isolated, ``cpu_sensitive`` tests alone): each solution and each stub is a
submission for its one exercise. :func:`grade_cases` grades any such cases
(the project's tests add its wrong answers and alternative solutions)."""

from __future__ import annotations

import multiprocessing
import re
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from grader import grade
from grader.batch import ClassGrading, default_jobs
from grader.course import Course, CourseError, Exercise
from grader.discover import Submission
from grader.grade import Options, expected_tests, grade_found
from grader.model import ExerciseResult, Status
from grader.notebook import Found
from grader.runner.protocol import CollectedTest


@dataclass(frozen=True)
class Case:
    """Files handed in for one exercise, graded the way a student's are."""

    slug: str
    kind: str  # "solution", "stub", or what the caller calls it ("wrong", ...)
    name: str
    files: tuple[tuple[str, Path], ...] = field(compare=False)

    @property
    def student(self) -> str:
        return f"{self.slug}--{self.kind}--{self.name}"


def solution_case(exercise: Exercise) -> Case:
    return Case(exercise.slug, "solution", "reference",
                tuple(exercise.solution_files().items()))


def stub_case(exercise: Exercise) -> Case:
    return Case(exercise.slug, "stub", "stub", tuple(exercise.stub_files().items()))


def grade_cases(course: Course, cases: Iterable[Case], seed: int = 0,
                jobs: int = 0) -> dict[Case, ExerciseResult]:
    """Each case graded (public and hidden tests) as one class, in parallel."""
    cases = list(cases)
    if not cases:
        return {}
    exercises = list(dict.fromkeys(course.exercises[c.slug] for c in cases))
    scratch = Path(tempfile.mkdtemp(prefix="grader-validate-"))
    try:
        submissions = []
        for case in cases:
            folder = scratch / "class" / re.sub(r"[^\w.-]", "_", case.student)
            folder.mkdir(parents=True)
            for name, source in case.files:
                shutil.copyfile(source, folder / name)
            submissions.append(Submission(case.student, folder, exercises=(case.slug,)))
        grading = ClassGrading(course, submissions, exercises,
                               Options(hidden=True, seed=seed), scratch / "out", jobs=jobs,
                               formats=())
        results = {r.student: r for r in grading.run()}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {case: results[case.student].exercises[case.slug] for case in cases}


def run_files(exercise: Exercise, files: dict[str, Path], seed: int = 0) -> ExerciseResult:
    """Grade the given files (public and hidden tests) as a submission of them,
    in this process (one run; :func:`grade_cases` grades many in parallel)."""
    return grade_found(exercise, Found(files=dict(files)), Options(hidden=True, seed=seed))


@dataclass
class Check:
    """The verdict on one exercise."""

    slug: str
    tests: int
    solution: ExerciseResult
    stub: ExerciseResult
    broken: str = ""  # the exercise's tests cannot even be collected

    @property
    def hidden_seconds(self) -> float:
        """How long the hidden tests took on the reference solution."""
        return sum(t.duration for t in self.solution.tests if t.hidden)

    @property
    def seconds(self) -> float:
        """How long the solution's and the stub's tests took."""
        return sum(t.duration for t in [*self.solution.tests, *self.stub.tests])

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


def checks(course: Course, exercises: list[Exercise],
           graded: dict[Case, ExerciseResult]) -> list[Check]:
    """Each exercise's check, from its solution's and its stub's results."""
    found = []
    for exercise in exercises:
        try:
            expected = expected_tests(exercise, hidden=True)
        except CourseError as exc:
            empty = ExerciseResult(exercise.slug, Status.ERROR, exercise.points)
            found.append(Check(exercise.slug, 0, empty, empty, str(exc)))
            continue
        found.append(Check(exercise.slug, len(expected), graded[solution_case(exercise)],
                           graded[stub_case(exercise)]))
    return found


def _collect(exercise: Exercise) -> list[CollectedTest] | str:
    try:
        return expected_tests(exercise, hidden=True)
    except CourseError as exc:
        return str(exc)


def collect(exercises: list[Exercise], jobs: int = 0) -> set[str]:
    """Collect every exercise's tests, in parallel (each in a process of its
    own: runs are one per process); the slugs whose tests cannot be collected."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs or default_jobs(), mp_context=context) as pool:
        collected = list(pool.map(_collect, exercises))
    broken = set()
    for exercise, tests in zip(exercises, collected, strict=True):
        if isinstance(tests, str):
            broken.add(exercise.slug)
        else:
            grade._expected_cache[(exercise.slug, True)] = tests
    return broken


def validate(course: Course, slugs: list[str] | None = None, seed: int = 0,
             jobs: int = 0) -> list[Check]:
    """Every selected exercise's solution and stub, graded in parallel."""
    exercises = course.select(slugs)
    broken = collect(exercises, jobs)
    cases = [c for ex in exercises if ex.slug not in broken
             for c in (solution_case(ex), stub_case(ex))]
    return checks(course, exercises, grade_cases(course, cases, seed, jobs))
