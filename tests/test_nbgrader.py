"""The nbgrader round trip: `grader release` writes an nbgrader course directory;
the real `nbgrader generate_assignment`, `autograde` (a correct and a wrong
submission) and `export` run on it; the scores match what `grader grade` gives
for the same code, both as the nbgrader `submitted/` tree and as .py files."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from grader.discover import find_submissions
from grader.grade import Options, grade_submission
from grader.workbook.release import release

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
    nbgrader("autograde", "part03", "--create", "--force", cwd=course_dir)
    nbgrader("export", cwd=course_dir)
    with open(course_dir / "grades.csv", newline="") as f:
        grades = {row["student_id"]: row for row in csv.DictReader(f)}
    return course_dir, grades


def test_source_notebooks_carry_schema_3_metadata_and_markers(course, roundtrip):
    course_dir, _ = roundtrip
    source = json.loads((course_dir / "source" / "part03" / "countdown.ipynb").read_text())
    marked = [c for c in source["cells"] if "nbgrader" in c["metadata"]]
    assert [c["metadata"]["nbgrader"]["grade_id"] for c in marked] == [
        "countdown-countdown", "countdown-tests"]
    solution, test = ("".join(c["source"]) for c in marked)
    assert "### BEGIN SOLUTION" in solution and "### END SOLUTION" in solution
    assert "### BEGIN HIDDEN TESTS" in test and "test_countdown_hidden.py" in test
    assert marked[1]["metadata"]["nbgrader"]["points"] == 10
    assert all(c["metadata"]["nbgrader"]["schema_version"] == 3 for c in marked)
    config = (course_dir / "nbgrader_config.py").read_text()
    for setting in ("c.Execute.timeout = ", "c.Execute.raise_on_iopub_timeout = False",
                    'c.Execute.shutdown_kernel = "immediate"',
                    "c.OverwriteCells.add_missing_cells = True"):
        assert setting in config


def test_the_released_assignment_has_no_solution_and_no_hidden_test(roundtrip):
    course_dir, _ = roundtrip
    released = (course_dir / "release" / "part03" / "countdown.ipynb").read_text()
    hidden = (ROOT / "hidden" / "countdown" / "test_countdown_hidden.py").read_text()
    assert "test_countdown_hidden.py" not in released
    assert "class RecordingList(list):" in hidden and "RecordingList" not in released
    assert "super().__init__()" not in json.loads(released)["cells"][2]["source"]
    assert "raise NotImplementedError()" in released


def test_nbgrader_scores_the_correct_and_the_wrong_submission(roundtrip):
    _, grades = roundtrip
    assert float(grades["alice"]["max_score"]) == 40.0  # four exercises in part 3
    assert float(grades["alice"]["raw_score"]) == 20.0  # two submitted, both full marks
    assert 0.0 <= float(grades["bob"]["raw_score"]) < 20.0  # wrong code: partial credit at most


def test_grading_the_submitted_tree_matches_nbgrader_and_the_py_files(course, roundtrip,
                                                                      tmp_path):
    course_dir, grades = roundtrip
    exercises = course.select(list(SLUGS))
    as_py = tmp_path / "class"
    for student, files in CODE.items():
        for slug, path in files.items():
            (as_py / student).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, as_py / student / f"{slug}.py")
    scores = {}
    for label, folder in (("notebooks", course_dir / "submitted"), ("py", as_py)):
        for submission in find_submissions(folder):
            result = grade_submission(course, submission, exercises, Options(hidden=True))
            scores[label, submission.student] = {
                slug: round(ex.score, 2) for slug, ex in result.exercises.items()}
            assert not any(ex.message for ex in result.exercises.values()
                           if ex.status == "missing"), result
    for student in CODE:
        assert scores["notebooks", student] == scores["py", student], student
        assert sum(scores["py", student].values()) == pytest.approx(
            float(grades[student]["raw_score"]), abs=0.01), student
    assert scores["py", "alice"] == {"countdown": 10.0, "launch": 10.0}
