"""The nbgrader round trip: `grader release` writes an nbgrader course directory;
the real `nbgrader generate_assignment`, `autograde` (a correct and a wrong
submission), `generate_feedback` and `export` run on it; the scores match what
`grader grade` gives for the same code, both as the nbgrader `submitted/` tree
and as .py files; no hidden test's source reaches a notebook or the feedback."""

from __future__ import annotations

import csv
import html
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, grade_class

from grader.deploy.release import release
from grader.discover import find_submissions
from grader.grade import Options

pytestmark = pytest.mark.slow

SLUGS = ("countdown", "launch")  # part 3: one assignment, kept small
CODE = {  # student -> slug -> the code submitted
    "alice": {s: ROOT / "solutions" / s / f"{s}.py" for s in SLUGS},
    "bob": {"countdown": ROOT / "tests" / "wrong" / "countdown" / "start_calls_run.py",
            "launch": ROOT / "tests" / "wrong" / "launch" / "completion_order.py"},
}


def nbgrader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run([str(bin_dir / "nbgrader"), *args], cwd=cwd, env=env, text=True,
                         capture_output=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run


def submit(released: Path, target: Path, code: str, slug: str) -> None:
    """A student's notebook: the released one, its solution cell filled in."""
    nb = json.loads(released.read_text())
    [cell] = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    first = "".join(cell["source"]).splitlines()[0]
    assert first == f"%%writefile {slug}.py"
    cell["source"] = f"{first}\n{code}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb, indent=1))


@pytest.fixture(scope="module")
def roundtrip(tmp_path_factory, course):
    out = tmp_path_factory.mktemp("nbgrader")
    course_dir = release(course, out).nbgrader
    nbgrader("generate_assignment", "part03", "--force", cwd=course_dir)
    for student, files in CODE.items():
        for slug, path in files.items():
            submit(course_dir / "release" / "part03" / f"{slug}.ipynb",
                   course_dir / "submitted" / student / "part03" / f"{slug}.ipynb",
                   path.read_text(), slug)
    autograde = nbgrader("autograde", "part03", "--create", "--force", cwd=course_dir)
    nbgrader("generate_feedback", "part03", "--force", cwd=course_dir)
    nbgrader("export", cwd=course_dir)
    with open(course_dir / "grades.csv", newline="") as f:
        grades = {row["student_id"]: row for row in csv.DictReader(f)}
    return course_dir, grades, autograde.stdout + autograde.stderr


def test_source_notebooks_carry_schema_3_metadata_and_markers(course, roundtrip):
    course_dir, _, _ = roundtrip
    source = json.loads((course_dir / "source" / "part03" / "countdown.ipynb").read_text())
    marked = [c for c in source["cells"] if "nbgrader" in c["metadata"]]
    assert [c["metadata"]["nbgrader"]["grade_id"] for c in marked] == [
        "countdown-countdown", "countdown-tests"]
    solution, test = ("".join(c["source"]) for c in marked)
    assert "### BEGIN SOLUTION" in solution and "### END SOLUTION" in solution
    # the hidden tests stay in the grading copy, never in a notebook
    assert "HIDDEN TESTS" not in test and "test_countdown_hidden.py" not in test
    assert "test_countdown.py" in test and "check_files(" in test
    assert (course_dir / "grading" / "hidden" / "countdown" / "test_countdown_hidden.py"
            ).is_file()
    assert marked[1]["metadata"]["nbgrader"]["points"] == 10
    assert all(c["metadata"]["nbgrader"]["schema_version"] == 3 for c in marked)
    config = (course_dir / "nbgrader_config.py").read_text()
    for setting in ("c.Execute.timeout = ", "c.Execute.raise_on_iopub_timeout = False",
                    'c.Execute.shutdown_kernel = "immediate"',
                    "c.OverwriteCells.add_missing_cells = True", "GRADER_NBGRADER_COURSE"):
        assert setting in config


def hidden_lines(slugs=SLUGS) -> set[str]:
    """Lines of the hidden tests that would give them away: long, and in no
    public file or solution of the exercise (a student may hand in that)."""
    public = {line.strip() for slug in slugs
              for folder in (ROOT / "exercises" / slug, ROOT / "solutions" / slug)
              for path in folder.glob("*.py") for line in path.read_text().splitlines()}
    return {line.strip() for slug in slugs
            for path in (ROOT / "hidden" / slug).glob("test_*.py")
            for line in path.read_text().splitlines()
            if len(line.strip()) >= 25 and not line.strip().startswith("#")
            and line.strip() not in public}


def test_the_released_assignment_has_no_solution_and_no_hidden_test(roundtrip):
    course_dir, _, _ = roundtrip
    released = (course_dir / "release" / "part03" / "countdown.ipynb").read_text()
    hidden = (ROOT / "hidden" / "countdown" / "test_countdown_hidden.py").read_text()
    assert "test_countdown_hidden.py" not in released
    assert "class RecordingList(list):" in hidden and "RecordingList" not in released
    assert "super().__init__()" not in json.loads(released)["cells"][2]["source"]
    assert "raise NotImplementedError()" in released


def test_feedback_holds_no_hidden_test_source_and_autograde_no_checksum_warning(roundtrip):
    course_dir, _, log = roundtrip
    assert "checksum" not in log.lower(), log[-3000:]
    secrets = hidden_lines()
    assert len(secrets) > 50  # the search looks for something
    pages = sorted((course_dir / "feedback").rglob("*.html"))
    assert {p.parent.parent.name for p in pages} == set(CODE)
    for page in pages:
        text = html.unescape(page.read_text())
        leaked = [line for line in secrets if line in text]
        assert not leaked, f"{page}: {leaked[:3]}"
        assert "test_countdown_hidden.py::" in text or "test_launch_hidden.py::" in text
    for notebook in (course_dir / "autograded").rglob("*.ipynb"):
        text = notebook.read_text()
        assert not [line for line in secrets if json.dumps(line)[1:-1] in text], notebook


def test_nbgrader_scores_the_correct_and_the_wrong_submission(roundtrip):
    _, grades, _ = roundtrip
    assert float(grades["alice"]["max_score"]) == 40.0  # four exercises in part 3
    assert float(grades["alice"]["raw_score"]) == 20.0  # two submitted, both full marks
    assert 0.0 <= float(grades["bob"]["raw_score"]) < 20.0  # wrong code: partial credit at most


def test_grading_the_submitted_tree_matches_nbgrader_and_the_py_files(course, roundtrip,
                                                                      tmp_path):
    course_dir, grades, _ = roundtrip
    exercises = course.select(list(SLUGS))
    as_py = tmp_path / "class"
    for student, files in CODE.items():
        for slug, path in files.items():
            (as_py / student).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, as_py / student / f"{slug}.py")
    scores = {}
    for label, folder in (("notebooks", course_dir / "submitted"), ("py", as_py)):
        graded = grade_class(course, find_submissions(folder), exercises,
                             Options(hidden=True), tmp_path / f"out-{label}")
        for student, result in graded.items():
            scores[label, student] = {
                slug: round(ex.score, 2) for slug, ex in result.exercises.items()}
            assert not any(ex.message for ex in result.exercises.values()
                           if ex.status == "missing"), result
    for student in CODE:
        assert scores["notebooks", student] == scores["py", student], student
        assert sum(scores["py", student].values()) == pytest.approx(
            float(grades[student]["raw_score"]), abs=0.01), student
    assert scores["py", "alice"] == {"countdown": 10.0, "launch": 10.0}


def grader(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=600)


def test_a_notebook_class_is_graded_per_assignment_in_the_pool_and_cached(roundtrip,
                                                                          course, tmp_path):
    course_dir, grades, _ = roundtrip
    out = tmp_path / "out"
    first = grader("grade", str(course_dir / "submitted"), "--assignment", "part03", "--out",
                   str(out), "--jobs", "2", "--format", "all")
    assert first.returncode == 0, first.stdout + first.stderr
    runs = len(CODE) * len(SLUGS)  # each student handed in two of part 3's notebooks
    assert f"{runs} exercise-runs with 2 jobs" in first.stdout, first.stdout
    assert f"{len(CODE) * 2} missing" in first.stdout  # daemon and race
    part03 = list(course.assignment("part03").slugs)
    for student in CODE:
        data = json.loads((out / student / "results.json").read_text())
        assert data["assignment"] == "part03" and data["max_score"] == 40
        assert list(data["exercises"]) == part03
        assert data["score"] == pytest.approx(float(grades[student]["raw_score"]), abs=0.01)
        scope = json.loads((out / student / "gradescope.json").read_text())
        assert {t["name"].split(":", 1)[0] for t in scope["tests"]} <= set(part03)
        feedback = (out / student / "feedback.md").read_text()
        assert "/ 40**" in feedback and "| pool |" not in feedback
    with open(out / "gradebook.csv", newline="") as f:
        assert next(csv.reader(f)) == ["student", *part03, "total"]
    again = grader("grade", str(course_dir / "submitted"), "--assignment", "part03", "--out",
                   str(out), "--jobs", "2")
    assert again.returncode == 0, again.stderr
    assert "0 exercise-runs" in again.stdout and f"{runs} runs skipped" in again.stdout, \
        again.stdout
