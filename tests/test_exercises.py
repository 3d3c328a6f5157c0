"""Every must-catch wrong solution fails the tests its header names; every
correct alternative, written in another style than the reference, passes.

tests/wrong/SLUG/CASE.py (or a folder CASE/) is a wrong solution with its
header; tests/wrong/SLUG/stub.txt holds the header for the exercise's own stub.
The alternatives are tests/alt/SLUG/*.py and the sample class's alice, who
solves every exercise in another style than the reference."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

from grader.course import Exercise, load_course
from grader.model import Status
from grader.validate import run_files

WRONG = Path(__file__).resolve().parent / "wrong"
ALT = Path(__file__).resolve().parent / "alt"
ALICE = ROOT / "examples" / "class" / "alice" / "exercises"
COURSE = load_course(ROOT)


def cases(*folders: Path) -> list[pytest.param]:
    found = []
    for folder in folders:
        for slug_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
            if slug_dir.name not in COURSE.exercises:
                continue  # an exercise not (yet) in course.toml
            if folder == ALICE:  # a working copy: the slug's folder holds the files
                found.append(pytest.param(slug_dir.name, slug_dir, id=f"{slug_dir.name}@alice"))
                continue
            for case in sorted(slug_dir.iterdir()):
                if case.name.startswith((".", "_")):
                    continue
                found.append(pytest.param(slug_dir.name, case, id=f"{slug_dir.name}/{case.stem}"))
    return found


def files_of(exercise: Exercise, case: Path) -> dict[str, Path]:
    """A case is one file (the exercise's single file), a folder of files, or
    stub.txt (the exercise's own stub)."""
    if case.name == "stub.txt":
        return exercise.stub_files()
    if case.is_dir():
        return {name: case / name for name in exercise.files}
    assert len(exercise.files) == 1, f"{case}: a multi-file exercise needs a folder"
    return {exercise.files[0]: case}


def header(case: Path) -> tuple[str, list[str]]:
    source = case / sorted(p.name for p in case.glob("*.py"))[0] if case.is_dir() else case
    text = source.read_text()
    catches = re.search(r"^# catches: (.+)$", text, re.M)
    fails = re.search(r"^# fails: (.+)$", text, re.M)
    assert catches and fails, f"{source}: needs '# catches:' and '# fails:' header lines"
    return catches.group(1), [n.strip() for n in fails.group(1).split(",") if n.strip()]


def test_every_slug_has_wrong_and_alternative_solutions():
    for slug in COURSE.exercises:
        assert (WRONG / slug / "stub.txt").is_file(), f"no header for {slug}'s stub"
        assert any(p.suffix == ".py" or p.is_dir() for p in (WRONG / slug).iterdir()), (
            f"no wrong solutions for {slug}")
        assert any((ALT / slug).glob("*")) or any((ALICE / slug).glob("*.py")), (
            f"no alternative solutions for {slug}")


@pytest.mark.parametrize(("slug", "case"), cases(WRONG))
def test_wrong_solution_is_caught(slug: str, case: Path):
    exercise = COURSE.exercises[slug]
    catches, fails = header(case)
    result = run_files(exercise, files_of(exercise, case))
    by_name = {t.name.split("::", 1)[1].split("[", 1)[0]: t for t in result.tests}
    for name in fails:
        assert name in by_name, f"{case.name}: the header names {name}, which does not exist"
    caught = [n for n in fails
              if any(t.status is not Status.PASSED for t in result.tests
                     if t.name.split("::", 1)[1].split("[", 1)[0] == n)]
    assert caught == fails, (
        f"{slug}/{case.name} ({catches}) should fail {fails}, but only {caught} failed")
    assert result.score < result.max_score


@pytest.mark.parametrize(("slug", "case"), cases(ALT, ALICE))
def test_alternative_solution_passes(slug: str, case: Path):
    exercise = COURSE.exercises[slug]
    result = run_files(exercise, files_of(exercise, case))
    failed = {t.name: t.message[:500] for t in result.tests if t.status is not Status.PASSED}
    assert result.status is Status.PASSED, f"{case.name} should pass, but: {failed}"
