"""Bad input: each case gets a clear one-line reason in the student's report,
loses nothing, and leaves every other student and every earlier report alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, grade_class

from grader.discover import MAX_SOURCE_MB, find_submissions
from grader.grade import Options
from grader.model import Status
from grader.reports.atomic import safe_name

SLUG = "countdown"
SOLUTION = ROOT / "solutions" / SLUG / "countdown.py"


def grade(course, klass: Path, out: Path) -> dict:
    return grade_class(course, find_submissions(klass), [course.exercises[SLUG]], Options(),
                       out)


def reason(result) -> str:
    return result.exercises[SLUG].message


def one_line(text: str) -> bool:
    return bool(text) and "\n" not in text.strip()


@pytest.fixture
def klass(tmp_path) -> Path:
    folder = tmp_path / "class"
    (folder / "good").mkdir(parents=True)
    shutil.copyfile(SOLUTION, folder / "good" / "countdown.py")
    return folder


def test_syntax_error_names_the_line(course, klass, tmp_path):
    (klass / "dave").mkdir()
    (klass / "dave" / "countdown.py").write_text("def broken(:\n    pass\n")
    got = grade(course, klass, tmp_path / "out")
    assert got["dave"].exercises[SLUG].status is Status.ERROR and got["dave"].score == 0
    first, *_ = reason(got["dave"]).splitlines()
    assert "could not be imported" in first and "SyntaxError" in reason(got["dave"])
    assert got["good"].score == got["good"].max_score


def test_absent_file_and_empty_folder(course, klass, tmp_path):
    (klass / "absent").mkdir()
    (klass / "absent" / "notes.txt").write_text("I forgot\n")
    (klass / "empty").mkdir()
    got = grade(course, klass, tmp_path / "out")
    assert reason(got["absent"]) == "countdown.py was not found in the submission"
    assert reason(got["empty"]) == "countdown.py was not found: the submission folder is empty"
    for name in ("absent", "empty"):
        assert got[name].exercises[SLUG].status is Status.MISSING
    assert got["good"].score == got["good"].max_score


def test_corrupt_notebook(course, klass, tmp_path):
    (klass / "nb").mkdir()
    (klass / "nb" / "countdown.ipynb").write_text('{"cells": [ this is not json')
    got = grade(course, klass, tmp_path / "out")
    text = reason(got["nb"])
    assert one_line(text) and "countdown.ipynb is not a readable notebook" in text
    assert got["nb"].score == 0


def test_zip_with_escaping_paths_is_never_extracted_outside(course, klass, tmp_path):
    outside = tmp_path / "outside.py"
    with zipfile.ZipFile(klass / "zed.zip", "w") as archive:
        archive.write(SOLUTION, "countdown.py")
        archive.writestr("../../escaped.py", "print('escaped')\n")
        archive.writestr(str(outside), "print('absolute')\n")
        archive.writestr("sub/../../up.py", "print('up')\n")
    got = grade(course, klass, tmp_path / "out")
    assert not outside.exists()
    assert not list(tmp_path.rglob("escaped.py")) and not list(tmp_path.rglob("up.py"))
    assert got["zed"].score == got["zed"].max_score  # the good file inside still counts
    notes = got["zed"].message.splitlines()
    assert len(notes) == 3 and all("was not extracted" in n for n in notes)


def test_symlink_outside_the_submission_is_refused(course, klass, tmp_path):
    (klass / "linker").mkdir()
    os.symlink(SOLUTION, klass / "linker" / "countdown.py")  # the reference solution!
    got = grade(course, klass, tmp_path / "out")
    assert got["linker"].score == 0
    assert one_line(reason(got["linker"])) and "link to a file outside" in reason(got["linker"])


def test_non_utf8_names(course, klass, tmp_path):
    student = os.fsdecode(b"b\xffd")
    (klass / student).mkdir()
    shutil.copyfile(SOLUTION, klass / student / "countdown.py")
    (klass / student / os.fsdecode(b"n\xe9tes.txt")).write_text("x")
    got = grade(course, klass, tmp_path / "out")
    assert got["b\ufffdd"].score == got["b\ufffdd"].max_score
    assert (tmp_path / "out" / "b\ufffdd" / "results.json").is_file()
    assert "b\ufffdd" in (tmp_path / "out" / "gradebook.csv").read_text(encoding="utf-8")


def test_a_100_mb_file_is_refused_not_run(course, klass, tmp_path):
    (klass / "huge").mkdir()
    with open(klass / "huge" / "countdown.py", "wb") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: no disk is spent
    (klass / "good" / "data.bin").write_bytes(b"\0")
    with open(klass / "good" / "data.bin", "r+b") as f:
        f.truncate(100 * 1024 * 1024)  # a big file beside a good one costs nothing
    got = grade(course, klass, tmp_path / "out")
    text = reason(got["huge"])
    assert one_line(text) and f"at most {MAX_SOURCE_MB} MB" in text and got["huge"].score == 0
    assert got["good"].score == got["good"].max_score


def test_student_names_with_spaces_and_unicode(course, klass, tmp_path):
    name = "Zoë O'Brien 李"
    (klass / name).mkdir()
    shutil.copyfile(SOLUTION, klass / name / "countdown.py")
    got = grade(course, klass, tmp_path / "out")
    assert got[name].score == got[name].max_score
    data = json.loads((tmp_path / "out" / safe_name(name) / "results.json").read_text())
    assert data["student"] == name


def test_a_failed_run_never_destroys_an_earlier_gradebook(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    earlier = {"gradebook.csv": "student,total\nalice,20\n", "junit.xml": "<testsuites/>"}
    for name, text in earlier.items():
        (out / name).write_text(text)
    for args in (["grade", str(tmp_path / "no_such_class"), "--out", str(out)],
                 ["grade", str(tmp_path), "--out", str(out), "--only", "no_such_exercise"]):
        run = subprocess.run([sys.executable, "-m", "grader", *args], cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert {p.name: p.read_text() for p in out.iterdir()} == earlier
