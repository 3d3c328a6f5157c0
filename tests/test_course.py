"""course.toml: the real course loads; a malformed one gets a one-line message
naming the key and the problem."""

from __future__ import annotations

import subprocess
import sys

import pytest

from grader.course import CourseError, load_course

GOOD_ENTRY = """
[[exercise]]
slug = "race"
title = "Fix the race"
part = 3
files = ["race.py"]
points = 10
"""


def test_the_course_loads(course):
    assert {"race", "deadlock", "condition", "pc_queue", "pool"} <= set(course.exercises)
    for exercise in course.exercises.values():
        assert exercise.public_tests, exercise.slug
        assert exercise.hidden_tests, exercise.slug
        for name, path in exercise.solution_files().items():
            assert path.is_file(), f"{exercise.slug}: no solution {name}"
        for name, path in exercise.stub_files().items():
            assert path.is_file(), f"{exercise.slug}: no stub {name}"


# The contract (../shared/curriculum.md): every slug, in its parts' order.
CONTRACT = ("countdown launch daemon race lock lock_with rlock semaphore limiter barrier "
            "handoff condition deadlock pc_queue gil switch bytecode contention messages "
            "channel rpc process perfmp pipe queue_mp pool shared generator event_loop "
            "gather crawl hedge abank offload").split()


def test_every_slug_of_the_contract_is_an_exercise(course):
    assert sorted(course.exercises) == sorted(CONTRACT)
    assert {e.part for e in course.exercises.values() if e.slug in CONTRACT[-5:]} == {12}
    curriculum = course.root.parent / "shared" / "curriculum.md"
    if curriculum.is_file():  # the contract itself, where it is at hand
        text = curriculum.read_text(encoding="utf-8")
        assert all(f"**{slug}** (" in text for slug in CONTRACT)


def test_hidden_tests_and_solutions_are_outside_exercises(course):
    for exercise in course.exercises.values():
        for test in exercise.hidden_tests:
            assert exercise.exercise_dir not in test.parents
        assert not list(exercise.exercise_dir.glob("*hidden*"))


def write_course(tmp_path, text):
    (tmp_path / "exercises" / "race").mkdir(parents=True)
    (tmp_path / "course.toml").write_text(text)
    return tmp_path


@pytest.mark.parametrize(("text", "message"), [
    ("[[exercise]]\ntitle = 'x'\n", "[[exercise]] #1: missing key 'slug'"),
    (GOOD_ENTRY.replace("points = 10", "points = 'ten'"),
     "[[exercise]] 'race': key 'points' must be int or float, got 'ten'"),
    (GOOD_ENTRY.replace("points = 10", "points = -1"),
     "[[exercise]] 'race': key 'points' must be positive, got -1"),
    (GOOD_ENTRY.replace('files = ["race.py"]', 'files = "race.py"'),
     "[[exercise]] 'race': key 'files' must be list"),
    (GOOD_ENTRY.replace('files = ["race.py"]', 'files = ["race.txt"]'),
     "[[exercise]] 'race': key 'files' must be a non-empty list of .py file names"),
    (GOOD_ENTRY + GOOD_ENTRY, "[[exercise]] 'race': duplicate slug"),
    (GOOD_ENTRY.replace("part = 3", "part = 3\npionts = 2"),
     "[[exercise]] 'race': unknown key 'pionts'"),
    ("[defaults]\ntimeout = 'long'\n" + GOOD_ENTRY,
     "[defaults]: key 'timeout' must be int or float, got 'long'"),
    ("[defaults]\nmemory_mb = 0\n" + GOOD_ENTRY,
     "[defaults]: key 'memory_mb' must be positive, got 0"),
    (GOOD_ENTRY.replace('slug = "race"', 'slug = "no-such"'),
     "key 'slug' must be a Python identifier"),
    ("[[exercise]\n", "not valid TOML"),
])
def test_malformed_course_toml_is_named(tmp_path, text, message):
    root = write_course(tmp_path, text)
    with pytest.raises(CourseError) as err:
        load_course(root)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_missing_exercise_folder_is_named(tmp_path):
    (tmp_path / "course.toml").write_text(GOOD_ENTRY)
    with pytest.raises(CourseError, match="folder .*exercises/race does not exist"):
        load_course(tmp_path)


def test_the_command_line_prints_one_line_not_a_traceback(tmp_path):
    root = write_course(tmp_path, GOOD_ENTRY.replace("points = 10", "points = 'ten'"))
    run = subprocess.run([sys.executable, "-m", "grader", "--course", str(root), "list"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().startswith("grader: [[exercise]] 'race': key 'points'")
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


# -- assignments ------------------------------------------------------------------------

ASSIGNMENT = '\n[[assignment]]\nname = "week1"\ntitle = "Threads"\nexercises = ["race"]\n'


def test_without_assignments_each_part_is_one(tmp_path):
    course = load_course(write_course(tmp_path, GOOD_ENTRY))
    assert list(course.assignments) == ["part03"]
    assert course.assignment("part03").slugs == ("race",)


def test_the_course_has_one_assignment_per_part_with_every_exercise(course):
    assigned = [slug for a in course.assignments.values() for slug in a.slugs]
    assert sorted(assigned) == sorted(course.exercises)  # each exercise once
    for a in course.assignments.values():
        assert {course.exercises[s].part for s in a.slugs} == {int(a.name[4:])}


def test_an_assignment_narrows_the_course(tmp_path):
    text = GOOD_ENTRY + ASSIGNMENT.replace('exercises = ["race"]',
                                           'parts = [3]\ndue = 2027-01-18T23:59:00\npoints = 4')
    course = load_course(write_course(tmp_path, text))
    week1 = course.assignment("week1")
    assert week1.due == "2027-01-18 23:59:00" and week1.points == 4
    narrowed = course.narrow("week1")
    assert narrowed.scope == "week1" and list(narrowed.exercises) == ["race"]
    assert narrowed.exercises["race"].points == 4  # scaled to the assignment's total
    assert course.narrow(None) is course
    with pytest.raises(CourseError, match="unknown assignment 'week2'; known: week1"):
        course.narrow("week2")


@pytest.mark.parametrize(("text", "message"), [
    (ASSIGNMENT.replace('["race"]', '["rase"]'),
     "[[assignment]] 'week1': key 'exercises' names 'rase', which is no [[exercise]] slug"),
    (ASSIGNMENT.replace('exercises = ["race"]', "parts = [4]"),
     "[[assignment]] 'week1': key 'parts' holds 4, but no exercise has that part"),
    (ASSIGNMENT.replace('exercises = ["race"]', ""),
     "[[assignment]] 'week1': give its 'exercises' (slugs) or 'parts' (numbers)"),
    (ASSIGNMENT.replace('"week1"', '"week 1"'),
     "[[assignment]] 'week 1': key 'name' may hold only letters, digits"),
    (ASSIGNMENT + ASSIGNMENT, "[[assignment]] 'week1': duplicate name"),
    (ASSIGNMENT + 'due = "next friday"\n', "[[assignment]] 'week1': key 'due' must be a date"),
    (ASSIGNMENT + "points = 0\n", "[[assignment]] 'week1': key 'points' must be positive"),
    (ASSIGNMENT + "weight = 2\n", "[[assignment]] 'week1': unknown key 'weight'"),
])
def test_malformed_assignments_are_named(tmp_path, text, message):
    root = write_course(tmp_path, GOOD_ENTRY + text)
    with pytest.raises(CourseError) as err:
        load_course(root)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_wrong_answers_kind_must_be_a_verdict_kind(tmp_path):
    from grader.validate import CaseError, _header

    good = tmp_path / "good.py"
    good.write_text("# catches: x\n# fails: test_a, test_b\n# kind: blocked-loop\n")
    assert _header(good) == ("x", ("test_a", "test_b"), "blocked-loop")
    bad = tmp_path / "bad.py"
    bad.write_text("# catches: x\n# fails: test_a\n# kind: hung\n")
    with pytest.raises(CaseError, match="'# kind: hung' is no verdict kind"):
        _header(bad)
