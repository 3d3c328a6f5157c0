"""``grader validate``: the course checks itself.

- Every reference solution passes its public and hidden tests.
- Every stub fails its hidden tests.
- Every wrong answer of the course's ``[validate] wrong`` folder fails the
  tests its header names and scores at most half the exercise's points: a
  must-catch mistake costs what it should.
- Every alternative solution (``[validate] alternatives``) passes.

All of them are graded as one class is (:mod:`grader.batch`: in parallel,
each run isolated, ``cpu_sensitive`` tests alone): each case is a submission
for its one exercise.
"""

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
from grader.grade import LESSON_CAP, Options, expected_tests, grade_found
from grader.model import ExerciseResult, Status
from grader.notebook import Found
from grader.runner.protocol import CollectedTest

SOLUTION, STUB, WRONG, ALTERNATIVE = "solution", "stub", "wrong", "alternative"


@dataclass(frozen=True)
class Case:
    """Files handed in for one exercise, graded the way a student's are, and
    what must come of it."""

    slug: str
    kind: str  # SOLUTION, STUB, WRONG, ALTERNATIVE
    name: str
    files: tuple[tuple[str, Path], ...] = field(compare=False)
    source: Path | None = field(default=None, compare=False)  # where it was found
    catches: str = field(default="", compare=False)  # a wrong answer's mistake, in words
    fails: tuple[str, ...] = field(default=(), compare=False)  # the tests it must fail
    expect: str = field(default="", compare=False)  # the kind one of them must get, if any

    @property
    def student(self) -> str:
        return f"{self.slug}--{self.kind}--{self.name}"

    @property
    def label(self) -> str:
        return f"{self.slug}/{self.name}"


def solution_case(exercise: Exercise) -> Case:
    return Case(exercise.slug, SOLUTION, "reference", tuple(exercise.solution_files().items()))


def stub_case(exercise: Exercise) -> Case:
    return Case(exercise.slug, STUB, "stub", tuple(exercise.stub_files().items()))


class CaseError(CourseError):
    """A wrong answer or an alternative cannot be used; the message says why."""


def _header(source: Path) -> tuple[str, tuple[str, ...], str]:
    """What a wrong answer catches, the tests it must fail and (``# kind:``,
    optional) the verdict kind one of its tests must get."""
    text = source.read_text(encoding="utf-8")
    catches = re.search(r"^# catches: (.+)$", text, re.M)
    fails = re.search(r"^# fails: (.+)$", text, re.M)
    kind = re.search(r"^# kind: (.+)$", text, re.M)
    if not catches or not fails:
        raise CaseError(f"{source}: needs '# catches:' and '# fails:' header lines")
    expect = kind.group(1).strip() if kind else ""
    if expect and expect not in {str(s) for s in Status}:
        raise CaseError(f"{source}: '# kind: {expect}' is no verdict kind; known: "
                        f"{', '.join(str(s) for s in Status)}")
    return (catches.group(1), tuple(n.strip() for n in fails.group(1).split(",") if n.strip()),
            expect)


def _files(exercise: Exercise, path: Path) -> tuple[tuple[str, Path], ...]:
    """A case is one file (the exercise's single file) or a folder of its files."""
    if path.is_dir():
        return tuple((name, path / name) for name in exercise.files)
    if len(exercise.files) != 1:
        raise CaseError(f"{path}: a case of the multi-file exercise {exercise.slug!r} is a "
                        "folder holding its files")
    return ((exercise.files[0], path),)


def wrong_cases(course: Course) -> list[Case]:
    """WRONG/SLUG/CASE.py (or CASE/), each with its header, and WRONG/SLUG/stub.txt:
    the header of the exercise's own stub."""
    found: list[Case] = []
    if course.wrong_dir is None:
        return found
    for folder in sorted(p for p in course.wrong_dir.iterdir() if p.is_dir()):
        exercise = course.exercises.get(folder.name)
        if exercise is None:
            continue  # not (or not yet) an exercise of this course
        for path in sorted(folder.iterdir()):
            if path.name.startswith((".", "_")):
                continue
            if path.name == "stub.txt":
                catches, fails, expect = _header(path)
                found.append(Case(exercise.slug, STUB, "stub", tuple(
                    exercise.stub_files().items()), path, catches, fails, expect))
            elif path.suffix == ".py" or path.is_dir():
                source = path if path.is_file() else path / sorted(
                    p.name for p in path.glob("*.py"))[0]
                catches, fails, expect = _header(source)
                found.append(Case(exercise.slug, WRONG, path.stem, _files(exercise, path),
                                  path, catches, fails, expect))
    return found


def alternative_cases(course: Course) -> list[Case]:
    """ALT/SLUG/*.py (or folders), and working copies with a folder per exercise."""
    found: list[Case] = []
    for root in course.alternative_dirs:
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            exercise = course.exercises.get(folder.name)
            if exercise is None:
                continue
            names = {n: folder / n for n in exercise.files}
            if all(p.is_file() for p in names.values()):  # a working copy's folder
                found.append(Case(exercise.slug, ALTERNATIVE, root.parent.name,
                                  tuple(names.items()), folder))
                continue
            for path in sorted(folder.iterdir()):
                if not path.name.startswith((".", "_")) and (path.suffix == ".py"
                                                              or path.is_dir()):
                    found.append(Case(exercise.slug, ALTERNATIVE, path.stem,
                                      _files(exercise, path), path))
    return found


def grade_cases(course: Course, cases: Iterable[Case], seed: int = 0,
                jobs: int = 0) -> dict[Case, ExerciseResult]:
    """Each case graded (public and hidden tests) as one class, in parallel."""
    cases = list(dict.fromkeys(cases))
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
    """The verdict on one exercise: its solution and its stub."""

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


def failed_tests(result: ExerciseResult) -> set[str]:
    """The names of the test functions that did not pass (parameters dropped)."""
    return {t.name.split("::", 1)[1].split("[", 1)[0] for t in result.tests
            if t.status is not Status.PASSED}


@dataclass
class CaseCheck:
    """The verdict on a wrong answer or an alternative solution."""

    case: Case
    result: ExerciseResult

    @property
    def half(self) -> float:
        return self.result.max_score * LESSON_CAP

    def problems(self) -> list[str]:
        case, result = self.case, self.result
        if case.kind == ALTERNATIVE:
            bad = {t.name: t.status for t in result.tests if t.status is not Status.PASSED}
            return [f"should pass, but: {bad}"] if result.status is not Status.PASSED else []
        found = []
        named = {t.name.split("::", 1)[1].split("[", 1)[0] for t in result.tests}
        absent = [n for n in case.fails if n not in named]
        if absent:
            found.append(f"its header names {', '.join(absent)}, which does not exist")
        missed = [n for n in case.fails if n in named and n not in failed_tests(result)]
        if missed:
            found.append(f"({case.catches}) should fail {', '.join(missed)}, but passed")
        if case.expect and all(str(t.status) != case.expect for t in result.tests):
            kinds = sorted({str(t.status) for t in result.tests if t.status is not Status.PASSED})
            found.append(f"({case.catches}) should be named `{case.expect}` by one of its "
                         f"tests, but got {', '.join(kinds) or 'passed'}")
        if case.kind in (WRONG, STUB) and result.score > self.half:
            found.append(f"({case.catches}) scores {result.score:g} of {result.max_score:g}: "
                         f"a must-catch mistake may keep at most half")
        if result.score >= result.max_score:
            found.append("scores full marks")
        return found


@dataclass
class Validation:
    """Everything `grader validate` found."""

    checks: list[Check]
    cases: list[CaseCheck]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks) and not any(c.problems() for c in self.cases)


def _collect(exercise: Exercise) -> list[CollectedTest] | str:
    try:
        return expected_tests(exercise, hidden=True)
    except CourseError as exc:
        return str(exc)


def collect(exercises: list[Exercise], jobs: int = 0) -> dict[str, str]:
    """Collect every exercise's tests, in parallel (each in a process of its
    own: runs are one per process); why each broken exercise's cannot be."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs or default_jobs(), mp_context=context) as pool:
        collected = list(pool.map(_collect, exercises))
    broken = {}
    for exercise, tests in zip(exercises, collected, strict=True):
        if isinstance(tests, str):
            broken[exercise.slug] = tests
        else:
            grade._expected_cache[(exercise.slug, True)] = tests
    return broken


def checks(exercises: list[Exercise], graded: dict[Case, ExerciseResult],
           broken: dict[str, str]) -> list[Check]:
    """Each exercise's check, from its solution's and its stub's results."""
    found = []
    for exercise in exercises:
        if exercise.slug in broken:
            empty = ExerciseResult(exercise.slug, Status.ERROR, exercise.points)
            found.append(Check(exercise.slug, 0, empty, empty, broken[exercise.slug]))
            continue
        found.append(Check(exercise.slug, len(expected_tests(exercise, hidden=True)),
                           graded[solution_case(exercise)], graded[stub_case(exercise)]))
    return found


def validate(course: Course, slugs: list[str] | None = None, seed: int = 0,
             jobs: int = 0, cases: bool = True) -> Validation:
    """Every selected exercise's solution and stub and (with ``cases``) the
    course's wrong answers and alternatives, graded in parallel."""
    exercises = course.select(slugs)
    broken = collect(exercises, jobs)
    ok = [ex for ex in exercises if ex.slug not in broken]
    extra = ([c for c in wrong_cases(course) + alternative_cases(course)
              if c.slug in {ex.slug for ex in ok}] if cases else [])
    graded = grade_cases(course, [c for ex in ok for c in (solution_case(ex), stub_case(ex))]
                         + extra, seed, jobs)
    return Validation(checks(exercises, graded, broken),
                      [CaseCheck(c, graded[c]) for c in extra])
