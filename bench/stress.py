"""Repeated runs: every reference solution must pass N of N, every stub fail
N of N. With --hog, a CPU-bound process runs beside the grader the whole time.
Exit 1 if any run went the wrong way."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.course import load_course  # noqa: E402
from grader.model import Status  # noqa: E402
from grader.validate import run_files  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--only", help="comma-separated slugs")
    parser.add_argument("--hog", action="store_true", help="run a CPU hog beside")
    args = parser.parse_args()
    course = load_course(ROOT)
    exercises = course.select(args.only.split(",") if args.only else None)
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if args.hog else None
    bad = 0
    try:
        print(f"{'exercise':<12} {'solution passed':>16} {'stub failed':>12} {'seconds':>8}")
        for exercise in exercises:
            start = time.monotonic()
            passed = failed = 0
            for run in range(args.runs):
                sol = run_files(exercise, exercise.solution_files(), seed=run)
                passed += sol.status is Status.PASSED
                if sol.status is not Status.PASSED:
                    print(f"  {exercise.slug} solution failed with seed {run}: "
                          f"{[(t.name, t.status) for t in sol.tests if t.status != 'passed']}")
                stub = run_files(exercise, exercise.stub_files(), seed=run)
                hidden = [t for t in stub.tests if t.hidden]
                failed += any(t.status is not Status.PASSED for t in hidden)
            bad += (args.runs - passed) + (args.runs - failed)
            print(f"{exercise.slug:<12} {passed:>12}/{args.runs:<3} {failed:>8}/{args.runs:<3} "
                  f"{time.monotonic() - start:>8.1f}", flush=True)
    finally:
        if hog is not None:
            hog.kill()
            hog.wait()
    print(f"{'wrong verdicts':<12} {bad}{' (with a CPU hog beside)' if args.hog else ''}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
