"""The command line on the sample class, as an instructor, a student and CI use it."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from conftest import CLASS, ROOT, SAMPLE_SLUGS


def grader(*args: str, cwd=ROOT, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=timeout)


@pytest.fixture(scope="module")
def graded(sample_class):
    return sample_class.out, sample_class.run, sample_class.seconds


def gradebook(out):
    with open(out / "gradebook.csv", newline="") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def test_gradebook_has_every_student_and_exercise(graded, course):
    out, run, _ = graded
    book = gradebook(out)
    assert list(book) == ["alice", "bob", "carol", "dave", "erin"]
    with open(out / "gradebook.csv") as f:
        assert f.readline().strip().split(",") == ["student", *SAMPLE_SLUGS, "total"]
    assert book["alice"]["total"] == str(10 * len(SAMPLE_SLUGS))
    assert "Gradebook" in run.stdout and "gradebook.csv" in run.stdout


def load(out, student):
    return json.loads((out / student / "results.json").read_text())


def test_results_json_follows_the_documented_shape(graded):
    data = load(graded[0], "bob")
    assert set(data) >= {"student", "score", "max_score", "exercises"}
    race = data["exercises"]["race"]
    assert set(race) >= {"score", "max_score", "status", "tests"}
    for test in race["tests"]:
        assert set(test) >= {"name", "status", "score", "max_score", "message", "duration"}
    assert data["score"] == pytest.approx(sum(e["score"] for e in data["exercises"].values()))


def test_racy_student_loses_race_points_with_an_explanation(graded):
    race = load(graded[0], "bob")["exercises"]["race"]
    assert race["status"] == "race" and 0 < race["score"] < race["max_score"]
    racy = [t for t in race["tests"] if t["status"] == "race"]
    assert racy and "wrote its stale copy" in racy[0]["message"]
    assert racy[0]["diagnosis"]["kind"] == "race"


def test_deadlocking_student_is_diagnosed_quickly(graded):
    deadlock = load(graded[0], "carol")["exercises"]["deadlock"]
    assert deadlock["status"] == "deadlock"
    kinds = {t["status"] for t in deadlock["tests"]}
    assert {"deadlock", "potential-deadlock"} <= kinds
    # Each hang ends when the watchdog sees it, not at the 15 s test limit.
    assert sum(t["duration"] for t in deadlock["tests"]) < 15
    assert load(graded[0], "carol")["exercises"]["pc_queue"]["status"] == "stall"


def test_syntax_error_is_an_error_with_its_traceback(graded):
    condition = load(graded[0], "dave")["exercises"]["condition"]
    assert condition["status"] == "error" and condition["score"] == 0
    assert "SyntaxError" in condition["message"] and "condition.py" in condition["message"]


def test_zip_submission_and_missing_files(graded):
    erin = load(graded[0], "erin")
    assert erin["exercises"]["race"]["status"] == "passed"
    assert erin["exercises"]["pool"]["status"] == "passed"
    assert erin["exercises"]["deadlock"]["status"] == "missing"
    assert "deadlock.py was not found" in erin["exercises"]["deadlock"]["message"]


def test_junit_marks_timeouts_and_errors(graded):
    root = ET.parse(graded[0] / "junit.xml").getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"alice", "bob", "carol", "dave", "erin"}
    assert suites["alice"].get("failures") == "0" and suites["alice"].get("errors") == "0"
    dave_errors = [e for e in suites["dave"].iter("error") if e.get("type") == "error"]
    assert dave_errors, "dave's syntax error should be <error type='error'>"
    carol = [f.get("type") for f in suites["carol"].iter("failure")]
    assert "deadlock" in carol


def test_feedback_never_shows_hidden_test_source(graded):
    code = set()
    for hidden in (ROOT / "hidden").rglob("test_*.py"):
        for line in hidden.read_text().splitlines():
            line = line.strip()
            if len(line) > 25 and line.startswith(("assert ", "def ", "with ", "for ", "if ")):
                code.add(line)
    for feedback in graded[0].glob("*/feedback.md"):
        text = feedback.read_text()
        leaked = [line for line in code if line in text]
        assert not leaked, f"{feedback.parent.name}: {leaked[:3]}"


def test_one_assignment_is_graded_and_totalled_alone(course, tmp_path):
    """`--assignment`: every report lists that assignment's exercises only and
    totals its points (.py submissions; tests/test_nbgrader.py: notebooks)."""
    out = tmp_path / "out"
    run = grader("grade", str(CLASS), "--assignment", "part03", "--out", str(out),
                 "--format", "all")
    assert run.returncode == 0, run.stdout + run.stderr
    part03 = list(course.assignment("part03").slugs)
    assert "assignment part03" in run.stdout
    for student in ("alice", "bob", "erin"):
        data = load(out, student)
        assert data["assignment"] == "part03" and list(data["exercises"]) == part03
        assert data["max_score"] == 40
        scope = json.loads((out / student / "gradescope.json").read_text())
        assert {t["name"].split(":", 1)[0] for t in scope["tests"]} == set(part03)
        assert scope["extra_data"]["max_score"] == 40
        feedback = (out / student / "feedback.md").read_text()
        rows = [line.split("|")[1].strip() for line in feedback.splitlines()
                if line.startswith("| ") and "/" in line]
        assert rows == part03 and "Assignment `part03`" in feedback
        assert "/ 40**" in feedback
    assert load(out, "alice")["score"] == 40
    assert gradebook(out)["alice"]["total"] == "40"
    with open(out / "gradebook.csv") as f:
        assert f.readline().strip().split(",") == ["student", *part03, "total"]
    unknown = grader("grade", str(CLASS), "--assignment", "week1", "--out", str(out))
    assert unknown.returncode == 2 and "unknown assignment 'week1'" in unknown.stderr
    assert unknown.stderr.count("\n") == 1


def test_single_submission_for_ci(tmp_path):
    alice = CLASS / "alice"
    full = grader("grade", str(alice), "--single", "--out", str(tmp_path / "a"),
                  "--only", "race")
    assert full.returncode == 0, full.stdout + full.stderr
    bob = grader("grade", str(CLASS / "bob"), "--single", "--out", str(tmp_path / "b"),
                 "--only", "race")
    assert bob.returncode == 1
    zero = grader("grade", str(CLASS / "bob"), "--single", "--exit-zero", "--out",
                  str(tmp_path / "c"), "--only", "race")
    assert zero.returncode == 0
    assert (tmp_path / "b" / "bob" / "results.json").is_file()


def test_check_for_a_student(tmp_path):
    shutil.copytree(ROOT / "exercises" / "race", tmp_path / "stub")
    stub = grader("check", "race", "--path", str(tmp_path / "stub"))
    assert stub.returncode == 1 and "RACE" in stub.stdout
    said = " ".join(stub.stdout.split())  # the lost update's timeline, as text lanes
    assert "Timeline up to the race (|)" in said and "writes its stale copy of `_value`" in said
    alice = tmp_path / "alice"  # a check records its result in the working copy
    shutil.copytree(CLASS / "alice", alice)
    good = grader("check", "race", "--path", str(alice))
    text = " ".join(good.stdout.split())
    assert good.returncode == 0 and "All 4 public tests passed" in text
    # a full public pass says what the hidden tests check: the README's pitfalls
    assert "the hidden tests check more" in text and "Locking only the write" in text
    # an untouched stub whose function runs in a thread: said once, and at once
    shutil.copytree(ROOT / "exercises" / "event_loop", tmp_path / "loop")
    loop = grader("check", "event_loop", "--path", str(tmp_path / "loop"))
    said = " ".join(loop.stdout.split())
    assert loop.returncode == 1 and "echo_server() is not written yet" in said
    assert "while cleaning up" not in said, said
    (tmp_path / "empty").mkdir()
    missing = grader("check", "race", "--path", str(tmp_path / "empty"))
    assert missing.returncode == 1 and "race.py was not found" in missing.stdout


def test_list_shows_state_in_a_working_copy():
    run = grader("list", "--path", str(CLASS / "bob"))
    assert run.returncode == 0
    lines = {line.split()[1]: line for line in run.stdout.splitlines() if line.startswith("│")}
    assert "edited" in lines["race"] and "missing" in lines["pool"]


def test_validate_checks_solutions_and_stubs_and_says_so():
    run = grader("validate", "--only", "race,lock_with", "--jobs", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    rows = {line.split()[1]: line for line in run.stdout.splitlines()
            if line.startswith("│") and len(line.split()) > 2}
    assert "ok" in rows["race"] and "10/10" in rows["race"] and "ok" in rows["lock_with"]
    assert "2 of 2 exercises ok" in " ".join(run.stdout.split())


def test_bad_input_is_one_line(tmp_path):
    run = grader("grade", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert "not a folder of submissions" in run.stderr
    run = grader("check", "no_such_exercise")
    assert run.returncode == 2 and "unknown exercise 'no_such_exercise'" in run.stderr
