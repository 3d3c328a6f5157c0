"""Grading a class: parallel, cpu-sensitive exercises alone, cached, resumable,
sharded and merged."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from grader.batch import ClassGrading
from grader.cache import CACHE_DIR
from grader.discover import find_submissions
from grader.grade import Options, grade_exercise
from grader.testing import wait_until

CLASS = ROOT / "examples" / "class"
ONLY = "race,deadlock"
SENSITIVE = "race,condition"  # condition has cpu_sensitive tests


def grader(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=600)


def skipped_and_runs(run: subprocess.CompletedProcess) -> tuple[int, int]:
    text = " ".join(run.stdout.split())
    runs = int(text.split(" exercise-runs with ")[0].rsplit(" ", 1)[-1])
    skipped = int(text.split(" runs skipped")[0].rsplit(" ", 1)[-1])
    return runs, skipped


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("class") / "class"
    shutil.copytree(CLASS, folder)
    return folder


@pytest.fixture(scope="module")
def unsharded(klass, tmp_path_factory):
    out = tmp_path_factory.mktemp("whole")
    run = grader("grade", str(klass), "--out", str(out), "--only", ONLY, "--jobs", "2")
    assert run.returncode == 0, run.stderr
    return out, run


def test_three_shards_merged_give_the_unsharded_gradebook(klass, unsharded, tmp_path):
    whole, _ = unsharded
    shards = []
    for index in (1, 2, 3):
        out = tmp_path / f"shard{index}"
        run = grader("grade", str(klass), "--out", str(out), "--only", ONLY, "--shard",
                     f"{index}/3")
        assert run.returncode == 0, run.stderr
        shards.append(out)
    students = [json.loads((s / "graded.json").read_text())["students"] for s in shards]
    assert sorted(sum(students, [])) == ["alice", "bob", "carol", "dave", "erin"]
    assert all(students), students  # 5 students over 3 shards: none is empty
    merged = tmp_path / "merged"
    run = grader("merge", *map(str, shards), "--out", str(merged))
    assert run.returncode == 0, run.stderr
    merged_book, whole_book = ((f / "gradebook.csv").read_text() for f in (merged, whole))
    assert merged_book == whole_book, (merged_book, whole_book, _statuses(merged),
                                       _statuses(whole))
    for student in ("alice", "bob", "carol", "dave", "erin"):
        assert (merged / student / "results.json").is_file()
    again = grader("merge", str(shards[0]), str(shards[0]), "--out", str(tmp_path / "twice"))
    assert again.returncode == 2
    assert "is in both" in again.stderr and len(again.stderr.strip().splitlines()) == 1


def _statuses(out: Path) -> dict[str, dict[str, str]]:
    """Each student's tests that did not pass, with their messages' first line."""
    found = {}
    for path in out.glob("*/results.json"):
        data = json.loads(path.read_text())
        found[data["student"]] = {t["name"]: f"{t['status']}: {t['message'][:200]}"
                                  for e in data["exercises"].values() for t in e["tests"]
                                  if t["status"] != "passed"}
    return found


def test_regrade_of_an_unchanged_class_runs_nothing(klass, unsharded):
    whole, first = unsharded
    runs, skipped = skipped_and_runs(first)
    assert runs > 0 and skipped == 0
    before = (whole / "gradebook.csv").read_text()
    again = grader("grade", str(klass), "--out", str(whole), "--only", ONLY)
    assert again.returncode == 0, again.stderr
    assert skipped_and_runs(again) == (0, runs)
    assert (whole / "gradebook.csv").read_text() == before


def test_a_changed_file_is_regraded_alone_and_force_regrades_all(klass, unsharded, tmp_path):
    whole, first = unsharded
    runs, _ = skipped_and_runs(first)
    out = tmp_path / "out"
    shutil.copytree(whole, out)
    fixed = tmp_path / "class"
    shutil.copytree(klass, fixed)
    shutil.copy(ROOT / "solutions" / "race" / "race.py", fixed / "bob" / "race.py")
    again = grader("grade", str(fixed), "--out", str(out), "--only", ONLY)
    assert skipped_and_runs(again) == (1, runs - 1)
    bob = json.loads((out / "bob" / "results.json").read_text())
    assert bob["exercises"]["race"]["status"] == "passed"
    forced = grader("grade", str(fixed), "--out", str(out), "--only", ONLY, "--force")
    assert skipped_and_runs(forced) == (runs, 0)


def test_runs_overlap_but_cpu_sensitive_tests_run_alone(course, tmp_path):
    """condition's cpu_sensitive tests run alone; its other tests run in the pool
    beside other runs; the two parts make the result one run of it gives."""
    exercises = course.select(SENSITIVE.split(","))
    grading = ClassGrading(course, find_submissions(CLASS), exercises, Options(),
                           tmp_path, jobs=2)
    results = {r.student: r for r in grading.run()}
    log = grading.log
    running: set[tuple[str, str, bool]] = set()
    overlapped = False
    for kind, student, slug, alone in log:
        if kind == "start":
            if alone:
                assert not running, f"{student}'s {slug} ran beside {running}"
            assert not any(a for _, _, a in running), f"{student}'s {slug} ran beside {running}"
            running.add((student, slug, alone))
            overlapped |= len(running) > 1
        else:
            running.discard((student, slug, alone))
    assert overlapped, log
    starts = [(student, alone) for kind, student, slug, alone in log
              if kind == "start" and slug == "condition"]
    assert sorted(starts) == [(s, a) for s in ("alice", "bob", "dave") for a in (False, True)]
    assert grading.stats.exclusive == 3
    assert grading.stats.runs == len({(s, e) for _, s, e, _ in log})  # a split one counts once
    condition = course.exercises["condition"]
    for submission in find_submissions(CLASS):
        if submission.student not in {"alice", "bob", "dave"}:
            continue
        one = grade_exercise(condition, submission.path, Options())  # a single run
        parts = results[submission.student].exercises["condition"]
        assert [(t.name, t.status, t.score) for t in parts.tests] == [
            (t.name, t.status, t.score) for t in one.tests], submission.student
        assert (parts.status, parts.score) == (one.status, one.score)


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_an_interrupted_grading_keeps_every_finished_run(tmp_path, how):
    """Ctrl-C (SIGINT to the whole process group) or a cancelled job (SIGTERM to
    the grader alone): the grading stops, no process is left, and what finished
    is kept."""
    klass = tmp_path / "class"
    shutil.copytree(CLASS, klass)
    (klass / "abe").mkdir()  # graded first; hangs at import for its whole time limit
    (klass / "abe" / "race.py").write_text("import time\ntime.sleep(600)\n")
    out = tmp_path / "out"
    cache = out / CACHE_DIR

    def finished() -> list[Path]:
        return [p for p in cache.rglob("*.json") if "tests" in json.loads(p.read_text())]

    grading = subprocess.Popen(
        [sys.executable, "-m", "grader", "grade", str(klass), "--out", str(out), "--only", ONLY,
         "--jobs", "2"], cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,  # Ctrl-C's default, even where this test runs in the background
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert wait_until(lambda: cache.is_dir() and len(finished()) >= 2, 120)
    finally:
        if how == "ctrl-c":
            os.killpg(grading.pid, signal.SIGINT)
        else:
            os.kill(grading.pid, signal.SIGTERM)
        _, err = grading.communicate(timeout=120)
    assert grading.returncode == 130, err
    assert not (out / "gradebook.csv").exists()  # it was interrupted, not finished
    kept = len(finished())
    assert kept >= 2
    (klass / "abe" / "race.py").unlink()  # abe now has nothing: missing, no run
    again = grader("grade", str(klass), "--out", str(out), "--only", ONLY)
    assert again.returncode == 0, again.stderr
    runs, skipped = skipped_and_runs(again)
    assert skipped >= kept and runs + skipped == 7, again.stdout  # every file, once


@pytest.mark.parametrize("args, says", [
    (["--shard", "0/3"], "--shard '0/3'"), (["--shard", "4/3"], "--shard '4/3'"),
    (["--shard", "two"], "--shard 'two'"), (["--jobs", "-1"], "--jobs -1")])
def test_bad_class_options_are_one_line(tmp_path, args, says):
    run = grader("grade", str(CLASS), "--out", str(tmp_path / "out"), *args)
    assert run.returncode == 2
    assert run.stderr.startswith(f"grader: {says}") and len(run.stderr.splitlines()) == 1


def test_cache_keys_follow_content_course_version_and_tests(course, tmp_path):
    import dataclasses

    from grader.cache import exercise_key, run_key

    race = course.exercises["race"]
    part = exercise_key(course, race, Options())
    assert part == exercise_key(course, race, Options())
    assert part != exercise_key(dataclasses.replace(course, version="other"), race, Options())
    assert part != exercise_key(course, race, Options(seed=1))
    assert part != exercise_key(course, dataclasses.replace(race, test_timeout=1), Options())
    moved = tmp_path / "root"
    for sub in ("exercises", "hidden"):
        shutil.copytree(ROOT / sub / "race", moved / sub / "race")
    elsewhere = dataclasses.replace(race, root=moved)
    assert exercise_key(course, elsewhere, Options()) == part  # content, not paths
    with open(moved / "hidden" / "race" / "test_race_hidden.py", "a") as f:
        f.write("\n# changed\n")
    assert exercise_key(course, elsewhere, Options()) != part
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("x = 1\n")
    b.write_text("x = 1\n")
    assert run_key(part, {"race.py": a}) == run_key(part, {"race.py": b})
    b.write_text("x = 2\n")
    assert run_key(part, {"race.py": a}) != run_key(part, {"race.py": b})
    assert run_key(part, {"race.py": a}) != run_key(part, {"race.py": None})
