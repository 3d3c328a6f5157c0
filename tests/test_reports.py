"""Reports rendered from the one results model; written atomically."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from grader.model import Diagnosis, ExerciseResult, Status, StudentResult, TestResult
from grader.reports import feedback, gradebook, junit, results_json, write_all
from grader.reports.atomic import safe_name, write_text


def sample() -> StudentResult:
    tests = [
        TestResult("test_x.py::test_ok", Status.PASSED, 5.0, 5.0, duration=0.1),
        TestResult("test_x_hidden.py::test_hang", Status.DEADLOCK, 0.0, 2.5,
                   message="Deadlock.\nThread-1 holds `a.lock`", hidden=True,
                   diagnosis=Diagnosis(Status.DEADLOCK, "cycle")),
        TestResult("test_x_hidden.py::test_slow", Status.TIMEOUT, 0.0, 2.5, hidden=True,
                   message="did not finish"),
    ]
    return StudentResult("zoë o'neil", {
        "race": ExerciseResult("race", Status.DEADLOCK, 10.0, tests),
        "pool": ExerciseResult("pool", Status.MISSING, 10.0, message="pool.py was not found"),
    })


def test_results_json_round_trips():
    result = sample()
    data = json.loads(results_json.render(result))
    assert data["score"] == 5.0 and data["max_score"] == 20.0
    assert data["exercises"]["race"]["tests"][1]["diagnosis"]["kind"] == "deadlock"
    assert "diagnosis" not in data["exercises"]["race"]["tests"][0]
    assert StudentResult.from_dict(data).to_dict() == result.to_dict()


def test_gradebook_columns():
    text = gradebook.render([sample()], ["race", "pool"])
    assert text.splitlines() == ["student,race,pool,total", "zoë o'neil,5,0,5"]


def test_junit_types_and_bodies():
    root = ET.fromstring(junit.render([sample()]))
    suite = root.find("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "1"
    assert suite.get("errors") == "1"
    failure = root.find(".//failure")
    assert failure.get("type") == "deadlock" and "Thread-1 holds" in failure.text
    assert root.find(".//error").get("type") == "timeout"


def test_feedback_shows_failures_not_passes():
    text = feedback.render(sample())
    assert "**Score: 5 / 20**" in text
    assert "test_hang (hidden test, deadlock" in text and "Thread-1 holds" in text
    assert "test_ok (" not in text


def test_write_all_uses_safe_folder_names(tmp_path):
    write_all(tmp_path, [sample()], ["race", "pool"])
    assert (tmp_path / "zoë o'neil" / "results.json").is_file()
    assert (tmp_path / "gradebook.csv").is_file() and (tmp_path / "junit.xml").is_file()
    assert safe_name("../etc") == ".._etc" and safe_name("..") == "_"


def test_a_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "gradebook.csv"
    write_text(path, "old\n")
    with pytest.raises(TypeError):
        write_text(path, 42)  # type: ignore[arg-type]
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["gradebook.csv"]  # no temp file left
