"""The course validates (every reference solution passes, every stub fails),
every must-catch wrong solution fails the tests its header names, and every
correct alternative, written in another style than the reference, passes.

tests/wrong/SLUG/CASE.py (or a folder CASE/) is a wrong solution with its
header; tests/wrong/SLUG/stub.txt holds the header for the exercise's own stub.
The alternatives are tests/alt/SLUG/*.py and the sample class's alice, who
solves every exercise in another style than the reference.

All of them are graded once, as one class (grader.validate.grade_cases: in
parallel, cpu-sensitive tests alone), and each test below reads its case."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

from grader.course import Exercise, load_course
from grader.model import ExerciseResult, Status
from grader.validate import Case, checks, grade_cases, solution_case, stub_case

WRONG = Path(__file__).resolve().parent / "wrong"
ALT = Path(__file__).resolve().parent / "alt"
ALICE = ROOT / "examples" / "class" / "alice" / "exercises"
COURSE = load_course(ROOT)


def files_of(exercise: Exercise, case: Path) -> dict[str, Path]:
    """A case is one file (the exercise's single file), a folder of files, or
    stub.txt (the exercise's own stub)."""
    if case.name == "stub.txt":
        return exercise.stub_files()
    if case.is_dir():
        return {name: case / name for name in exercise.files}
    assert len(exercise.files) == 1, f"{case}: a multi-file exercise needs a folder"
    return {exercise.files[0]: case}


def cases(kind: str, *folders: Path) -> list[tuple[Case, Path]]:
    """(case, where it came from) for each case in ``folders``."""
    found = []
    for folder in folders:
        for slug_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
            if slug_dir.name not in COURSE.exercises:
                continue  # an exercise not (yet) in course.toml
            exercise = COURSE.exercises[slug_dir.name]
            if folder == ALICE:  # a working copy: the slug's folder holds the files
                files = {n: slug_dir / n for n in exercise.files}
                found.append((Case(exercise.slug, kind, "alice", tuple(files.items())),
                              slug_dir))
                continue
            for path in sorted(slug_dir.iterdir()):
                if path.name.startswith((".", "_")):
                    continue
                if path.name == "stub.txt":
                    found.append((stub_case(exercise), path))
                    continue
                files = files_of(exercise, path)
                found.append((Case(exercise.slug, kind, path.stem, tuple(files.items())), path))
    return found


WRONG_CASES = cases("wrong", WRONG)
ALT_CASES = cases("alternative", ALT, ALICE)


@pytest.fixture(scope="module")
def graded() -> dict[Case, ExerciseResult]:
    everything = [c for c, _ in WRONG_CASES + ALT_CASES]
    for exercise in COURSE.exercises.values():
        everything += [solution_case(exercise), stub_case(exercise)]
    return grade_cases(COURSE, dict.fromkeys(everything))


def header(case: Path) -> tuple[str, list[str]]:
    source = case / sorted(p.name for p in case.glob("*.py"))[0] if case.is_dir() else case
    text = source.read_text()
    catches = re.search(r"^# catches: (.+)$", text, re.M)
    fails = re.search(r"^# fails: (.+)$", text, re.M)
    assert catches and fails, f"{source}: needs '# catches:' and '# fails:' header lines"
    return catches.group(1), [n.strip() for n in fails.group(1).split(",") if n.strip()]


def test_the_course_validates(graded):
    """What `grader validate` checks: each solution passes, each stub fails."""
    problems = [f"{c.slug}: {p}" for c in checks(COURSE, list(COURSE.exercises.values()), graded)
                for p in c.problems()]
    assert not problems, problems


def test_every_slug_has_wrong_and_alternative_solutions():
    for slug in COURSE.exercises:
        assert (WRONG / slug / "stub.txt").is_file(), f"no header for {slug}'s stub"
        assert any(p.suffix == ".py" or p.is_dir() for p in (WRONG / slug).iterdir()), (
            f"no wrong solutions for {slug}")
        assert any((ALT / slug).glob("*")) or any((ALICE / slug).glob("*.py")), (
            f"no alternative solutions for {slug}")


@pytest.mark.parametrize(("case", "path"), WRONG_CASES,
                         ids=[f"{c.slug}/{p.stem}" for c, p in WRONG_CASES])
def test_wrong_solution_is_caught(graded, case: Case, path: Path):
    catches, fails = header(path)
    result = graded[case]
    by_name = {t.name.split("::", 1)[1].split("[", 1)[0]: t for t in result.tests}
    for name in fails:
        assert name in by_name, f"{path.name}: the header names {name}, which does not exist"
    caught = [n for n in fails
              if any(t.status is not Status.PASSED for t in result.tests
                     if t.name.split("::", 1)[1].split("[", 1)[0] == n)]
    assert caught == fails, (
        f"{case.slug}/{path.name} ({catches}) should fail {fails}, but only {caught} failed")
    assert result.score < result.max_score


@pytest.mark.parametrize(("case", "path"), ALT_CASES,
                         ids=[f"{c.slug}@alice" if c.name == "alice" else f"{c.slug}/{p.stem}"
                              for c, p in ALT_CASES])
def test_alternative_solution_passes(graded, case: Case, path: Path):
    result = graded[case]
    failed = {t.name: t.message[:500] for t in result.tests if t.status is not Status.PASSED}
    assert result.status is Status.PASSED, f"{path.name} should pass, but: {failed}"
