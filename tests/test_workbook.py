"""The workbook: notebooks generated from course.toml, notebook submissions,
the student bundle (`grader release`) and the workbook's lint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import jupytext
import pytest
from conftest import ROOT

from grader.course import load_course
from grader.deploy.release import ReleaseError, release
from grader.grade import Options, grade_exercise
from grader.model import Status
from grader.notebook import exercise_files, grade_id
from grader.workbook.build import exercise_notebook, write_notebook
from grader.workbook.lint import lint


def set_cell(path: Path, gid: str, code: str | None) -> None:
    """Put ``code`` in the marked cell ``gid`` of a notebook (None: delete it)."""
    nb = json.loads(path.read_text())
    cells = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == gid]
    assert cells, f"no cell {gid} in {path}"
    if code is None:
        nb["cells"].remove(cells[0])
    else:
        cells[0]["source"] = code
    path.write_text(json.dumps(nb, indent=1))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, course):
    out = tmp_path_factory.mktemp("release")
    done = release(course, out)
    return done


# -- notebook submissions ---------------------------------------------------------------

def notebook_for(exercise, folder: Path) -> Path:
    path = folder / f"{exercise.slug}.ipynb"
    write_notebook(exercise_notebook(exercise), path)
    return path


def test_the_cell_is_used_when_there_is_no_py(course, tmp_path):
    ex = course.exercises["countdown"]
    nb = notebook_for(ex, tmp_path)
    solution = (ex.solution_dir / "countdown.py").read_text()
    set_cell(nb, grade_id("countdown", "countdown.py"), solution)
    found = exercise_files(ex, tmp_path, tmp_path / "scratch")
    assert found.from_notebook == ["countdown.py"] and not found.missing
    assert found.files["countdown.py"].read_text().strip() == solution.strip()


def test_an_untouched_stub_gives_way_to_an_edited_notebook(course, tmp_path):
    ex = course.exercises["countdown"]
    shutil.copy(ex.exercise_dir / "countdown.py", tmp_path)
    nb = notebook_for(ex, tmp_path)
    found = exercise_files(ex, tmp_path, tmp_path / "scratch")
    assert found.files["countdown.py"] == tmp_path / "countdown.py"  # neither edited: the .py
    set_cell(nb, grade_id("countdown", "countdown.py"), "EDITED = 1\n")
    found = exercise_files(ex, tmp_path, tmp_path / "scratch")
    assert found.from_notebook == ["countdown.py"]
    (tmp_path / "countdown.py").write_text("MINE = 2\n")  # both edited: the .py wins
    found = exercise_files(ex, tmp_path, tmp_path / "scratch")
    assert found.files["countdown.py"] == tmp_path / "countdown.py"
    assert found.notes == ["both countdown.py and its cell in countdown.ipynb were edited: "
                           "countdown.py is graded"]


def test_one_marked_cell_per_file_of_a_multi_file_exercise(course, tmp_path):
    base = course.exercises["countdown"]
    channel = replace(base, slug="channel", files=("channel.py", "echo_child.py"))
    nb = notebook_for(channel, tmp_path)
    ids = [c["metadata"]["nbgrader"]["grade_id"] for c in json.loads(nb.read_text())["cells"]
           if "nbgrader" in c["metadata"]]
    assert ids == ["channel-channel", "channel-echo_child"]
    set_cell(nb, "channel-echo_child", "%%writefile echo_child.py\nCHILD = 1\n")
    found = exercise_files(channel, tmp_path, tmp_path / "scratch")
    assert found.files["echo_child.py"].read_text() == "CHILD = 1\n"  # the magic line dropped
    assert found.files["channel.py"].read_text().startswith('"""')  # the stub, from its cell


@pytest.mark.parametrize("damage", ["corrupt", "deleted"])
def test_a_broken_notebook_gets_a_one_line_message(course, tmp_path, damage):
    ex = course.exercises["countdown"]
    nb = notebook_for(ex, tmp_path)
    if damage == "corrupt":
        nb.write_text(nb.read_text()[:200])
    else:
        set_cell(nb, grade_id("countdown", "countdown.py"), None)
    result = grade_exercise(ex, tmp_path, Options(hidden=False))
    assert result.status is Status.MISSING and result.score == 0
    assert all(t.status is Status.MISSING for t in result.tests)
    expected = "not a readable notebook" if damage == "corrupt" else "marked cell for countdown.py"
    assert "\n" not in result.message and expected in result.message
    assert "countdown.ipynb" in result.message


# -- the student bundle -----------------------------------------------------------------

def distinctive_lines(path: Path, public: str) -> set[str]:
    """Lines of a secret file that give it away: long, and in no public file."""
    lines = {line.strip() for line in path.read_text().splitlines()}
    return {line for line in lines if len(line) >= 30 and line not in public
            and not line.startswith("#")}


def test_the_bundle_holds_no_solution_and_no_hidden_test(bundle, course):
    student = bundle.student
    public = "\n".join(  # the grader's own code is public too (students install it)
        line.strip() for path in [*(ROOT / "exercises").rglob("*"), *ROOT.glob("grader/**/*.py")]
        if path.is_file() for line in path.read_text().splitlines())
    secrets: dict[str, set[str]] = {}
    for ex in course.exercises.values():
        for path in [*ex.hidden_tests, *ex.solution_files().values()]:
            secrets[str(path.relative_to(ROOT))] = distinctive_lines(path, public)
    assert sum(map(len, secrets.values())) > 200  # the search looks for something
    texts = []
    for path in student.rglob("*"):
        if path.suffix == ".ipynb":  # the cells' text, as a student sees it in Jupyter
            texts += [cell.source for cell in jupytext.read(path).cells]
        if path.is_file():
            texts.append(path.read_text(errors="replace"))
    flat = "\n".join(line.strip() for text in texts for line in text.splitlines())
    for name, lines in secrets.items():
        leaked = [line for line in lines if line in flat]
        assert not leaked, f"{name} leaked into the bundle: {leaked[:3]}"
    assert not (student / "hidden").exists() and not (student / "solutions").exists()


def test_the_bundle_has_what_a_student_needs(bundle, course):
    student = bundle.student
    for ex in course.exercises.values():
        folder = student / "exercises" / ex.slug
        names = {p.name for p in folder.iterdir()}
        assert {"README.md", f"{ex.slug}.ipynb", *ex.files} <= names
        assert {p.name for p in ex.public_tests} <= names
    for part in {ex.part for ex in course.exercises.values()}:
        chapter = jupytext.read(student / "workbook" / f"part{part:02d}.ipynb")
        text = "\n".join(c.source for c in chapter.cells)
        for ex in course.exercises.values():
            assert (f"## Exercise `{ex.slug}`" in text) == (ex.part == part)
    for name in ("README.md", "pyproject.toml", "course.toml", "grader/cli.py",
                 "grader/plugin.py", "grader/testing/deadline.py"):
        assert (student / name).is_file(), name
    assert "nbgrader" not in (student / "pyproject.toml").read_text()


def student_check(student: Path, slug: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(student)}  # the bundle's own copy of the grader
    env.pop("GRADER_COURSE", None)
    return subprocess.run([sys.executable, "-m", "grader", "check", slug],
                          cwd=student / "exercises" / slug, env=env, text=True,
                          capture_output=True, timeout=300)


def test_a_student_solves_one_exercise_in_its_notebook_and_one_in_its_py(bundle, course):
    student = bundle.student
    for slug in ("countdown", "launch"):
        run = student_check(student, slug)
        assert run.returncode == 1, run.stdout + run.stderr  # the stubs fail
    nb = student / "exercises" / "countdown" / "countdown.ipynb"
    solution = (course.exercises["countdown"].solution_dir / "countdown.py").read_text()
    set_cell(nb, grade_id("countdown", "countdown.py"), solution)
    shutil.copy(course.exercises["launch"].solution_dir / "launch.py",
                student / "exercises" / "launch" / "launch.py")
    for slug in ("countdown", "launch"):
        run = student_check(student, slug)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "public tests passed" in run.stdout and "FAIL" not in run.stdout
    assert str(student) in subprocess.run(
        [sys.executable, "-c", "import grader; print(grader.__file__)"], text=True,
        capture_output=True, env={**os.environ, "PYTHONPATH": str(student)},
        cwd=student / "exercises").stdout  # the checks above used the bundle's grader


def test_a_student_whose_file_does_not_import_is_told_so(bundle):
    """In a student's copy the exercise's file is theirs: a syntax error there is
    their import error, not a broken course."""
    mine = bundle.student / "exercises" / "daemon" / "daemon.py"
    original = mine.read_text()
    mine.write_text(original + "\ndef broken(:\n")
    try:
        run = student_check(bundle.student, "daemon")
    finally:
        mine.write_text(original)
    assert run.returncode == 1, run.stdout + run.stderr
    text = " ".join(run.stdout.split())
    assert "could not be imported" in text and "SyntaxError" in text, text
    assert "cannot be collected" not in text + run.stderr


# -- driven by course.toml; the lint ------------------------------------------------------

def copy_course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(ROOT / "course.toml", root)
    for folder in ("exercises", "hidden", "solutions", "workbook"):
        shutil.copytree(ROOT / folder, root / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.ipynb"))
    return root


def test_a_new_exercise_appears_in_the_workbook_with_no_extra_work(tmp_path):
    root = copy_course(tmp_path)
    for folder in ("exercises", "hidden", "solutions"):
        shutil.copytree(root / folder / "countdown", root / folder / "countdown_b")
    with open(root / "course.toml", "a") as f:
        f.write('\n[[exercise]]\nslug = "countdown_b"\ntitle = "A second countdown"\n'
                'part = 3\nfiles = ["countdown.py"]\npoints = 5\n')
    course = load_course(root)
    assert lint(course) == []
    (tmp_path / "out" / "student").mkdir(parents=True)
    (tmp_path / "out" / "student" / "work.py").write_text("precious = 1\n")
    with pytest.raises(ReleaseError, match="student already exists; pass --force"):
        release(course, tmp_path / "out")
    assert (tmp_path / "out" / "student" / "work.py").is_file()
    assert not (tmp_path / "out" / "nbgrader").exists()
    done = release(course, tmp_path / "out", force=True)
    assert not (done.student / "work.py").exists()
    chapter = jupytext.read(done.student / "workbook" / "part03.ipynb")
    assert any("## Exercise `countdown_b`: A second countdown" in c.source for c in chapter.cells)
    nb = json.loads((done.student / "exercises" / "countdown_b" / "countdown_b.ipynb").read_text())
    assert [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
            if "nbgrader" in c["metadata"]] == ["countdown_b-countdown"]
    assert (done.nbgrader / "source" / "part03" / "countdown_b.ipynb").is_file()


def test_lint_finds_missing_chapters_bad_metadata_and_duplicate_ids(tmp_path):
    root = copy_course(tmp_path)
    (root / "workbook" / "part04.py").unlink()
    with open(root / "workbook" / "part03.py", "a") as f:
        f.write("\n# %% nbgrader={grade: true, grade_id: x}\nx = 1\n")  # keys unquoted
        f.write('\n# %% nbgrader={"grade": false, "grade_id": "dup", "locked": true, '
                '"schema_version": 3, "solution": false, "task": false}\ny = 1\n')
        f.write('\n# %% nbgrader={"grade": false, "grade_id": "dup", "locked": true, '
                '"schema_version": 3, "solution": false, "task": false}\nz = 1\n')
    problems = lint(load_course(root))
    assert len(problems) == 4, problems
    assert problems[0].startswith("workbook/part03.py: cell ")
    assert "kept its metadata as text (incorrectly_encoded_metadata)" in problems[0]
    assert "nbgrader={grade: true, grade_id: x}" in problems[0]
    assert "workbook/part03.py: duplicate grade_id 'dup'" in problems
    assert any(p.startswith("workbook/part04.py: missing") and "lock_with" in p
               for p in problems)
    assert any("grade_id 'dup' is used by more than one cell" in p for p in problems)


def test_the_course_lints_clean_and_every_chapter_runs(course):
    assert lint(course) == []
    for source in sorted((ROOT / "workbook").glob("part*.py")):
        code = "\n\n".join(c.source for c in jupytext.read(source).cells
                           if c.cell_type == "code")
        run = subprocess.run([sys.executable, "-c", code], text=True, capture_output=True,
                             timeout=120, cwd=ROOT)
        assert run.returncode == 0, f"{source.name}: {run.stderr[-2000:]}"


def test_a_test_cell_survives_a_deadlock_and_gives_partial_credit(course, tmp_path,
                                                                 monkeypatch, capsys):
    from grader.workbook.nbcheck import check_files

    ex = course.exercises["deadlock"]
    shutil.copy(ex.exercise_dir / "deadlock.py", tmp_path)  # the stub: opposite orders
    monkeypatch.chdir(tmp_path)  # where the notebook's %%writefile cell put it
    tests = {p.name: p.read_text() for p in [*ex.public_tests, *ex.hidden_tests]}
    score = check_files("deadlock", ["deadlock.py"], tests, points=10,
                        timeout=ex.timeout, test_timeout=ex.test_timeout)
    printed = capsys.readouterr()
    assert 0 <= score < 10
    assert "DEADLOCK" in printed.out  # named as such, in the cell's output
    assert printed.err == ""  # nbgrader gives no credit to a cell writing to stderr
    solution = ex.solution_dir / "deadlock.py"
    shutil.copy(solution, tmp_path)
    assert check_files("deadlock", ["deadlock.py"], tests, points=10, timeout=ex.timeout,
                       test_timeout=ex.test_timeout) == 10
    (tmp_path / "deadlock.py").unlink()
    with pytest.raises(AssertionError, match="deadlock.py was not written"):
        check_files("deadlock", ["deadlock.py"], tests, points=10)


def test_a_solved_exercise_notebook_runs_and_checks_itself_in_jupyter(course, tmp_path):
    import nbclient
    import nbformat

    student = release(course, tmp_path).student
    folder = student / "exercises" / "countdown"
    path = folder / "countdown.ipynb"
    solution = (course.exercises["countdown"].solution_dir / "countdown.py").read_text()
    set_cell(path, grade_id("countdown", "countdown.py"), solution)  # solved and saved
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(folder)}},
                            shutdown_kernel="immediate").execute()
    outputs = ["".join(o.get("text", "") for o in c.get("outputs", [])) for c in nb.cells
               if c.cell_type == "code"]
    assert "All 3 public tests passed" in outputs[-1], outputs[-1]
    assert not any(o.get("output_type") == "error" for c in nb.cells
                   for o in c.get("outputs", []))
