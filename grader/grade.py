"""Grading one exercise of one submission: the one scoring path. Turns a
run's outcome (a :class:`~grader.runner.protocol.Verdict` per test) into the
results model, scoring tests by their weights, and every test that did not
report as failed, with the reason. ``grader check``, ``grader grade`` (through
:mod:`grader.batch`), ``grader validate`` and the notebooks' grade cells all
score here."""

from __future__ import annotations

import shutil
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from grader.course import CourseError, Exercise
from grader.discover import source_problem, temp_folder, why_missing
from grader.model import ExerciseResult, Status, TestResult, worst
from grader.notebook import Found, exercise_files
from grader.runner.launch import Launcher
from grader.runner.protocol import CollectedTest, Verdict
from grader.runner.run import RunOutcome, RunSpec, run_tests


@dataclass(frozen=True)
class Options:
    """How to grade."""

    hidden: bool = True  # run the hidden tests too (instructors), or public only (students)
    seed: int = 0
    sandbox: bool = False  # run under bubblewrap (grader.runner.sandbox)


_expected_cache: dict[tuple[str, bool], list[CollectedTest]] = {}


def test_files(exercise: Exercise, hidden: bool) -> list[Path]:
    return exercise.public_tests + (exercise.hidden_tests if hidden else [])


def spec_for(exercise: Exercise, files: dict[str, Path], options: Options,
             collect_only: bool = False, select: Collection[str] = ()) -> RunSpec:
    return RunSpec(files=files, tests=test_files(exercise, options.hidden),
                   test_timeout=exercise.test_timeout, timeout=exercise.timeout,
                   limits=exercise.limits, seed=options.seed, collect_only=collect_only,
                   exercise=exercise.slug, sandbox=options.sandbox, select=list(select))


def expected_tests(exercise: Exercise, hidden: bool,
                   launcher: Launcher | None = None) -> list[CollectedTest]:
    """The tests every run must report on, collected once against the stub
    (which ships with the exercise and imports cleanly)."""
    key = (exercise.slug, hidden)
    absent = [p.name for p in exercise.stub_files().values() if not p.is_file()]
    if absent:
        raise CourseError(f"exercise {exercise.slug!r}: its stub {absent[0]} is missing from "
                          f"{exercise.exercise_dir}")
    if key not in _expected_cache:
        spec = spec_for(exercise, exercise.stub_files(), Options(hidden=hidden), collect_only=True)
        outcome = run_tests(spec, launcher=launcher)
        if not outcome.collection_error and not outcome.collected:
            # once more: a child killed by the machine, not the course
            outcome = run_tests(spec, launcher=launcher)
        if outcome.collection_error or not outcome.collected:
            why = (outcome.collection_error or "; ".join(outcome.notes)
                   or f"no tests found; the child printed: {outcome.output[-300:]!r}"
                   ).strip().splitlines()
            raise CourseError(f"exercise {exercise.slug!r}: its tests cannot be collected "
                              f"against the stub ({why[-1] if why else '?'}); run "
                              f"`grader validate --only {exercise.slug}` for details")
        _expected_cache[key] = outcome.collected
    return _expected_cache[key]


def _shares(expected: list[CollectedTest], points: float) -> dict[str, float]:
    total = sum(t.weight for t in expected) or 1.0
    return {t.nodeid: points * t.weight / total for t in expected}


def _all_tests(expected: list[CollectedTest], points: float, status: Status,
               message: str, only: Collection[str] | None = None) -> list[TestResult]:
    shares = _shares(expected, points)
    return [TestResult(name=t.nodeid, status=status, score=0.0,
                       max_score=round(shares[t.nodeid], 4), message=message,
                       hidden=_is_hidden(t.nodeid), lesson=t.lesson)
            for t in expected if only is None or t.nodeid in only]


LESSON_CAP = 0.5  # the share of an exercise's points left when a lesson test fails


def cap_for_lessons(result: ExerciseResult) -> ExerciseResult:
    """An exercise whose lesson test failed (``@pytest.mark.lesson``: it catches
    one of the exercise's must-catch mistakes) counts for at most half its
    points: the passed tests' scores are scaled down to that (scores of a whole
    exercise, never of a part of its tests)."""
    if not any(t.lesson and t.status is not Status.PASSED for t in result.tests):
        return result
    cap = result.max_score * LESSON_CAP
    earned = sum(t.score for t in result.tests)
    result.capped = True
    if earned > cap:
        for test in result.tests:
            test.score = round(test.score * cap / earned, 4)
    return result


def _is_hidden(nodeid: str) -> bool:
    return nodeid.split("::", 1)[0].endswith("_hidden.py")


def score_outcome(exercise: Exercise, expected: list[CollectedTest], outcome: RunOutcome,
                  only: Collection[str] | None = None) -> ExerciseResult:
    """The results model for one run: every expected test (of ``only``, when
    the run ran a part of them) scored, the ones that did not report scored 0
    with the reason; shares are of the whole exercise's points."""
    result = ExerciseResult(slug=exercise.slug, status=Status.PASSED,
                            max_score=exercise.points, output=outcome.output)
    if outcome.collection_error:
        result.message = ("Your file could not be imported, so no test could run:\n"
                          + outcome.collection_error)
        result.tests = _all_tests(expected, exercise.points, outcome.collection_status,
                                  "not run: the file failed to import (see above)", only)
        result.status = outcome.collection_status
        return result
    shares = _shares(expected, exercise.points)
    why_absent = "; ".join(outcome.notes) or "the test process ended before this test ran"
    for test in expected:
        if only is not None and test.nodeid not in only:
            continue
        verdict = outcome.tests.get(test.nodeid) or Verdict(Status.ERROR,
                                                            f"did not run: {why_absent}")
        share = round(shares[test.nodeid], 4)
        result.tests.append(TestResult(
            name=test.nodeid, status=verdict.status,
            score=share if verdict.status is Status.PASSED else 0.0, max_score=share,
            message=verdict.message, duration=round(verdict.duration, 3),
            hidden=_is_hidden(test.nodeid), diagnosis=verdict.diagnosis, lesson=test.lesson))
    result.status = worst([t.status for t in result.tests])
    if outcome.notes:
        result.message = "\n".join(outcome.notes)
    return result if only is not None else cap_for_lessons(result)


def grade_found(exercise: Exercise, found: Found, options: Options,
                only: Collection[str] | None = None,
                launcher: Launcher | None = None) -> ExerciseResult:
    """Grade an exercise's files as found in a submission (see
    :func:`grader.notebook.exercise_files`); ``only``: run just these tests
    (node ids; see :func:`combine`); ``launcher``: how the runs' children
    start (default: a fresh interpreter, sandboxed as ``options`` say)."""
    try:
        expected: list[CollectedTest] | None = expected_tests(exercise, options.hidden,
                                                              launcher)
    except CourseError:
        if options.hidden:
            raise
        # A student's own copy of the course: the "stub" is their file, maybe broken.
        # The run itself says what it collected, or why the file did not import.
        expected = None
    problems = [p for p in map(source_problem, found.files.values()) if p]
    if problems:
        return ExerciseResult(slug=exercise.slug, status=Status.ERROR,
                              max_score=exercise.points, message=problems[0],
                              tests=_all_tests(expected or [], exercise.points,
                                               Status.ERROR, problems[0], only))
    if found.missing:
        # one line: what the notebook lacked, else why the file was not found
        message = "; ".join(found.notes or [why_missing(found.folder, n)
                                            for n in found.missing])
        return ExerciseResult(slug=exercise.slug, status=Status.MISSING,
                              max_score=exercise.points, message=message,
                              tests=_all_tests(expected or [], exercise.points,
                                               Status.MISSING, message, only))
    wanted, select = expected, []  # the tests the run must report on; which to run
    if only is not None:  # a part of the exercise: just those tests
        wanted = [t for t in expected or [] if t.nodeid in only]
        select = [t.nodeid for t in wanted]
    outcome = run_tests(spec_for(exercise, found.files, options, select=select), wanted,
                        launcher)
    if expected is None:
        expected = outcome.collected
    result = score_outcome(exercise, expected, outcome, only)
    result.message = "\n".join(filter(None, [*found.notes, result.message]))
    result.seed = options.seed
    return result


def grade_exercise(exercise: Exercise, folder: Path | None, options: Options,
                   only: Collection[str] | None = None) -> ExerciseResult:
    """Grade one exercise of a submission folder (None: nothing submitted)."""
    scratch = temp_folder()  # code taken from a notebook's marked cells goes here
    try:
        return grade_found(exercise, exercise_files(exercise, folder, scratch), options, only)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def combine(parts: list[ExerciseResult], expected: list[CollectedTest]) -> ExerciseResult:
    """One exercise graded in parts (each by ``grade_exercise(..., only=...)``)
    as the one result a single run would give: tests in collection order."""
    order = {t.nodeid: i for i, t in enumerate(expected)}
    tests = sorted((t for p in parts for t in p.tests), key=lambda t: order.get(t.name, -1))
    return cap_for_lessons(ExerciseResult(
        slug=parts[0].slug, status=worst([p.status for p in parts]),
        max_score=parts[0].max_score, tests=tests,
        message="\n".join(dict.fromkeys(p.message for p in parts if p.message)),
        output="\n".join(p.output for p in parts if p.output), seed=parts[0].seed))
