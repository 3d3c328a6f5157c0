"""Shared fixtures of the project's own tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.course import Course, Exercise, load_course
from grader.discover import Submission
from grader.grade import Options
from grader.model import StudentResult
from grader.runner import procs

# Fixtures are graded by the tests, never run as tests themselves.
collect_ignore = ["fixtures", "wrong", "alt", "hostile"]

# Every process the suite starts inherits this mark, wherever it ends up (a
# setsid()ed grandchild, a sandbox's PID namespace): the session's end checks
# that none of them is still running.
SUITE_MARK = f"GRADER_TEST_SUITE={uuid.uuid4().hex}"
os.environ["GRADER_TEST_SUITE"] = SUITE_MARK.split("=", 1)[1]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLASS = ROOT / "examples" / "class"
# The sample class's exercises that show each kind of failure: a race (bob), a
# deadlock and a stall (carol), a syntax error (dave), a zip with missing files
# (erin); alice solves them all. (Every exercise of alice's is graded by
# tests/test_exercises.py; `make demo` grades the whole class.)
SAMPLE_SLUGS = ("race", "deadlock", "pc_queue", "condition", "pool")
LONGEST = "tests/test_exercises.py"  # one class grading of every case: a few minutes


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(ROOT)


@dataclass
class SampleClass:
    """The sample class graded once by the command line, every report asked for."""

    out: Path
    run: subprocess.CompletedProcess
    seconds: float
    summary: Path  # the GitHub step summary it appended to


@pytest.fixture(scope="session")
def sample_class(tmp_path_factory) -> SampleClass:
    """`grader grade examples/class --only SAMPLE_SLUGS --format all`, shared by
    the tests of the command line and of the report formats: graded once per
    test run, also when pytest-xdist's workers run both files (a lock file in
    the run's own temporary folder, which the workers share)."""
    import fcntl
    import time

    shared = os.environ.get("PYTEST_XDIST_WORKER") is not None
    root = tmp_path_factory.getbasetemp()
    root = root.parent if shared else root
    out, summary = root / "sample-class", root / "sample-class-summary.md"
    with open(root / "sample-class.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        start = time.monotonic()
        if not (out / "graded.json").is_file():
            run = subprocess.run(
                [sys.executable, "-m", "grader", "grade", str(CLASS), "--out", str(out),
                 "--only", ",".join(SAMPLE_SLUGS), "--format", "all"], cwd=ROOT, text=True,
                capture_output=True, timeout=900,
                env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)})
            assert run.returncode == 0, run.stdout + run.stderr
            (root / "sample-class.stdout").write_text(run.stdout)
    run = subprocess.CompletedProcess([], 0, (root / "sample-class.stdout").read_text(), "")
    return SampleClass(out, run, time.monotonic() - start, summary)


def grade_class(course: Course, submissions: list[Submission], exercises: list[Exercise],
                options: Options, out: Path, jobs: int = 2) -> dict[str, StudentResult]:
    """Submissions graded as `grader grade` grades them (grader.batch), every
    report written into ``out``; each student's result by name."""
    from grader.batch import ClassGrading
    from grader.reports import FORMATS, write_class

    results = ClassGrading(course, submissions, exercises, options, out, jobs=jobs,
                           formats=FORMATS).run()
    write_class(out, results, [ex.slug for ex in exercises], FORMATS)
    return {r.student: r for r in results}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest file first: under pytest-xdist (``--dist loadfile``: a file's
    tests on one worker, so its module fixtures run once) the other files fill
    the other workers meanwhile."""
    first = [i for i in items if i.nodeid.startswith(LONGEST)]
    items[:] = first + [i for i in items if not i.nodeid.startswith(LONGEST)]


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """Every test must leave no process of its own running."""
    before = procs.descendants({os.getpid()})
    yield
    from grader.testing import wait_until

    left = procs.descendants({os.getpid()}) - before
    assert wait_until(lambda: not (procs.descendants({os.getpid()}) - before), 10), (
        f"processes left running: {sorted(left)}")


def marked_processes() -> list[int]:
    """Processes other than this one that were started by this test session."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as f:
                environ = f.read().split(b"\0")
            with open(f"/proc/{name}/stat", "rb") as f:
                zombie = f.read().rsplit(b")", 1)[-1].split()[0] == b"Z"
        except OSError:
            continue
        if SUITE_MARK.encode() in environ and not zombie:
            found.append(int(name))
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After the whole suite, no process it started may still be running
    (checked once, by the main pytest process, after every worker is done)."""
    from grader.testing import wait_until

    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the others may still be running

    if not wait_until(lambda: not marked_processes(), 15):
        left = marked_processes()
        print(f"\nprocesses started by the test suite still running: {left}")
        session.exitstatus = 1


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("chromium is not installed and `make test` could not install it "
                    "(needs apt-get and root): the HTML report was not opened in a browser")
    return found


def browse(page: Path, tmp_path: Path, *args: str) -> str:
    """Run headless chromium on ``page``; its stdout. Chromium forks helpers
    (zygote, GPU, crash handler) that can outlive it: it runs in its own
    session, and every process of it is killed and reaped afterwards."""
    baseline = procs.own_children()
    proc = subprocess.Popen(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-dev-shm-usage", "--disable-crash-reporter", "--disable-extensions",
         f"--user-data-dir={tmp_path / 'profile'}", *args, page.as_uri()],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=180)
    finally:
        procs.kill_run(proc.pid, baseline)
        proc.wait()
        procs.reap_adopted(baseline)
    assert proc.returncode == 0, err[-2000:]
    return out
