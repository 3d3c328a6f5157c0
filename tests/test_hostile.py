"""The hostile corpus (tests/hostile/): each submission is graded as a student
of a class next to a correct student, and must score 0 in bounded time,
leave no process, leave the correct student's grade alone, and forge no
report. Limits are shortened (a few seconds per test) to keep the corpus fast;
bounds are checked against those limits, never against a tight wall clock."""

from __future__ import annotations

import csv
import dataclasses
import json
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import grade_class

from grader.course import Course, Exercise
from grader.discover import find_submissions
from grader.grade import Options
from grader.model import StudentResult
from grader.reports import write_all
from grader.reports.atomic import safe_name
from grader.runner import sandbox
from grader.runner.run import BACKSTOP_GRACE

HOSTILE = Path(__file__).resolve().parent / "hostile"
CASES = sorted(d.name for d in HOSTILE.iterdir() if d.is_dir())
SLACK = 30.0  # seconds for start-up, kills and restarts on a loaded machine


def quick(exercise: Exercise) -> Exercise:
    """The exercise with short limits, so a hostile run costs seconds."""
    return dataclasses.replace(exercise, test_timeout=4.0, timeout=30.0)


def case_exercise(course: Course, case: str) -> Exercise:
    (file,) = [p for p in (HOSTILE / case).iterdir() if p.suffix == ".py"]
    return quick(course.exercises[file.stem])


def grade_each(course: Course, exercise: Exercise, klass: Path, out: Path,
               options: Options) -> tuple[dict[str, StudentResult], dict[str, float]]:
    """The class graded as `grader grade` grades it (the students side by side),
    and how long that took: no student took longer."""
    start = time.monotonic()
    results = grade_class(course, find_submissions(klass), [exercise], options, out)
    took = time.monotonic() - start
    return results, {student: took for student in results}


def everything_shown(out: Path, student: str, result: StudentResult) -> str:
    """Every text a student or instructor sees about this student."""
    folder = out / safe_name(student)
    texts = [p.read_text(errors="replace") for p in sorted(folder.rglob("*")) if p.is_file()]
    exercise = next(iter(result.exercises.values()))
    texts += [exercise.message, exercise.output] + [t.message for t in exercise.tests]
    return "\n".join(texts)


def hidden_lines(exercise: Exercise) -> list[str]:
    """Distinctive lines of the hidden tests (and the solution)."""
    lines = []
    for path in [*exercise.hidden_tests, *exercise.solution_dir.glob("*.py")]:
        lines += [line.strip() for line in path.read_text().splitlines()
                  if len(line.strip()) > 30 and not line.strip().startswith(("import", "from"))]
    return lines


@pytest.fixture
def hostile_env(tmp_path, monkeypatch):
    """What the hostile code is told (inherited by the runs): where an earlier
    gradebook sits, and where to write the pids of its stragglers."""
    out = tmp_path / "out"
    monkeypatch.setenv("HOSTILE_TARGET", str(out))
    monkeypatch.setenv("HOSTILE_PIDFILE", str(tmp_path / "pids"))
    return out


def run_case(course: Course, case: str, tmp_path: Path, out: Path, use_sandbox: bool):
    exercise = case_exercise(course, case)
    klass = tmp_path / "class"
    shutil.copytree(HOSTILE / case, klass / case)
    (klass / "good").mkdir()
    for name in exercise.files:
        shutil.copyfile(exercise.solution_dir / name, klass / "good" / name)
    # An earlier gradebook in the output folder: the hostile code overwrites it.
    write_all(out, [StudentResult(student="earlier")], [exercise.slug])
    results, seconds = grade_each(course, exercise, klass, out,
                                   Options(hidden=True, sandbox=use_sandbox))
    return exercise, results, seconds


def check_common(exercise: Exercise, case: str, results, seconds, out: Path,
                 whole_out: bool = False) -> None:
    """``whole_out``: also the earlier run's files in the output folder (only a
    sandboxed run cannot reach them)."""
    hostile, good = results[case], results["good"]
    got = hostile.exercises[exercise.slug]
    assert got.score == 0, f"{case} scored {got.score}: {[t.status for t in got.tests]}"
    assert got.tests and all(t.score == 0 for t in got.tests)
    assert seconds[case] < exercise.timeout + BACKSTOP_GRACE + SLACK, seconds
    assert good.score == good.max_score == exercise.points, [
        (t.name, t.status, t.message[:200]) for t in good.exercises[exercise.slug].tests]
    # The reports on disk are the grader's, rendered from the results model.
    for student, want in ((case, 0), ("good", exercise.points)):
        data = json.loads((out / safe_name(student) / "results.json").read_text())
        assert data["score"] == want, (student, data)
    with open(out / "gradebook.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert set(rows) == {case, "good"}, rows
    assert float(rows[case]["total"]) == 0 and float(rows["good"]["total"]) == exercise.points
    suite = ET.parse(out / "junit.xml").getroot()
    cases = suite.findall(".//testcase")
    assert len(cases) == 2 * len(got.tests)
    ours = [out / "gradebook.csv", out / "junit.xml", *(out / safe_name(case)).rglob("*"),
            *(out / "good").rglob("*")]
    forged = [p for p in (out.rglob("*") if whole_out else ours)
              if p.is_file() and "FORGED-BY-HOSTILE" in p.read_text()]
    assert not forged


# What each case must show besides the common checks.
def _memory(exercise, result, text, tmp_path):
    assert "MemoryError" in text


def _fork_bomb(exercise, result, text, tmp_path):
    assert f"{exercise.limits.processes} processes" in text


def _output(exercise, result, text, tmp_path):
    cap = exercise.limits.output_kb * 1024
    assert len(result.output) <= cap + 200
    assert len(text) < 5 * cap + 100_000


def _sleeper(exercise, result, text, tmp_path):
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    assert pids, "the grandchild never started"
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "Z" in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return "Z"


def _forged(exercise, result, text, tmp_path):
    assert "not written by the grader" in text


def _hidden(exercise, result, text, tmp_path):
    assert "removed it before your code ran" in text  # the run's own copy was sealed


EXTRA = {"memory_30gb": _memory, "fork_bomb": _fork_bomb, "print_200mb": _output,
         "setsid_sleeper": _sleeper, "fake_reports": _forged, "read_hidden": _hidden}


@pytest.mark.parametrize("case", CASES)
def test_hostile_submission_scores_zero_and_harms_nothing(case, course, tmp_path, hostile_env):
    exercise, results, seconds = run_case(course, case, tmp_path, hostile_env, False)
    check_common(exercise, case, results, seconds, hostile_env)
    result = results[case].exercises[exercise.slug]
    text = everything_shown(hostile_env, case, results[case])
    if case in EXTRA:
        EXTRA[case](exercise, result, text, tmp_path)


@pytest.mark.skipif(not sandbox.available(), reason="bubblewrap is not available here")
@pytest.mark.parametrize("case", ["read_hidden", "setsid_sleeper", "fake_reports", "fork_bomb",
                                  "memory_30gb", "ignore_signals", "exit_in_test"])
def test_in_the_sandbox_the_same_holds_and_nothing_hidden_is_there(case, course, tmp_path,
                                                                     hostile_env):
    exercise, results, seconds = run_case(course, case, tmp_path, hostile_env, True)
    check_common(exercise, case, results, seconds, hostile_env, whole_out=True)
    text = everything_shown(hostile_env, case, results[case])
    leaked = [line for line in hidden_lines(exercise) if line in text]
    assert not leaked, leaked[:3]
    if case in EXTRA and case != "setsid_sleeper":  # its pid file is not in the sandbox
        EXTRA[case](exercise, results[case].exercises[exercise.slug], text, tmp_path)
