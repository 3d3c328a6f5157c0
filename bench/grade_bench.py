"""Grading time of the sample class, and the cost of the grader's isolation.

Prints, measured in this one run:
- the seconds to grade examples/class (every student, every exercise);
- for one exercise, grading its reference solution (public and hidden tests,
  in an isolated child) against a bare pytest run of the same tests, both as a
  fresh `python -m pytest` process and in-process (`pytest.main`), as ratios.
Machines here are shared and noisy: compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.course import load_course  # noqa: E402
from grader.discover import find_submissions  # noqa: E402
from grader.validate import run_files  # noqa: E402


def grade_class(out: Path) -> float:
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "grader", "--course", str(ROOT), "grade",
                    str(ROOT / "examples" / "class"), "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def bare_pytest_process(tests: list[Path], solution_dir: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(solution_dir)}
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    "--import-mode=importlib", *map(str, tests)], env=env, check=True,
                   stdout=subprocess.DEVNULL, cwd=tempfile.gettempdir())
    return time.monotonic() - start


def bare_pytest_inprocess(tests: list[Path], solution_dir: Path) -> float:
    code = ("import sys, time, pytest; sys.path.insert(0, sys.argv[1]); t = time.monotonic(); "
            "rc = pytest.main(['-q', '-p', 'no:cacheprovider', '--import-mode=importlib', "
            "*sys.argv[2:]]); print(time.monotonic() - t); import os; os._exit(rc)")
    run = subprocess.run([sys.executable, "-c", code, str(solution_dir), *map(str, tests)],
                         capture_output=True, text=True, check=True, cwd=tempfile.gettempdir())
    return float(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--exercise", default="race")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    course = load_course(ROOT)
    exercise = course.exercises[args.exercise]
    tests = exercise.public_tests + exercise.hidden_tests
    with tempfile.TemporaryDirectory() as tmp:
        seconds = grade_class(Path(tmp) / "out")
    students = len(find_submissions(ROOT / "examples" / "class"))
    print(f"grading the sample class ({students} students x {len(course.exercises)} "
          f"exercises): {seconds:.1f} s")
    ours, process, inproc = [], [], []
    run_files(exercise, exercise.solution_files())  # warm the collection cache
    for _ in range(args.repeat):  # interleaved, so drift hits all three alike
        start = time.monotonic()
        result = run_files(exercise, exercise.solution_files())
        ours.append(time.monotonic() - start)
        assert result.score == result.max_score, result
        process.append(bare_pytest_process(tests, exercise.solution_dir))
        inproc.append(bare_pytest_inprocess(tests, exercise.solution_dir))
    o, p, i = (statistics.median(x) for x in (ours, process, inproc))
    print(f"{exercise.slug}: graded in isolation {o:.2f} s; bare `python -m pytest` {p:.2f} s; "
          f"in-process pytest.main {i:.2f} s (medians of {args.repeat})")
    print(f"ratio isolated / bare process: {o / p:.2f}x; isolated / in-process: {o / i:.2f}x")


if __name__ == "__main__":
    main()
