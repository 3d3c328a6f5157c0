"""Repeated runs: every reference solution must pass N of N, every stub fail
N of N. With --hog cpu,mem, a CPU-bound process and/or a process that keeps
rewriting a large block of memory run beside the grader the whole time.
Exit 1 if any run went the wrong way."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.course import load_course  # noqa: E402
from grader.model import Status  # noqa: E402
from grader.validate import run_files  # noqa: E402

HOGS = {
    "cpu": "while True: pass",
    # rewrites every page of a large block, over and over: resident memory and
    # memory-bandwidth pressure
    "mem": ("b = bytearray({mb} << 20)\nwhile True:\n"
            "    for i in range(0, len(b), 4096): b[i] = (b[i] + 1) & 255"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--only", help="comma-separated slugs")
    parser.add_argument("--hog", nargs="?", const="cpu", default="",
                        help="hogs to run beside: cpu, mem or cpu,mem (bare --hog: cpu)")
    parser.add_argument("--hog-mb", type=int, default=2048, help="size of the memory hog")
    args = parser.parse_args()
    course = load_course(ROOT)
    exercises = course.select(args.only.split(",") if args.only else None)
    # a SIGTERM ends the hogs too (the finally below runs)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    hogs = [subprocess.Popen([sys.executable, "-c", HOGS[kind].format(mb=args.hog_mb)])
            for kind in filter(None, args.hog.split(","))]
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
                    for t in sol.tests:
                        if t.status is not Status.PASSED:
                            print(f"  {exercise.slug} solution failed with seed {run}: "
                                  f"{t.name} {t.status}: {t.message[:400]!r}", flush=True)
                stub = run_files(exercise, exercise.stub_files(), seed=run)
                hidden = [t for t in stub.tests if t.hidden]
                failed += any(t.status is not Status.PASSED for t in hidden)
            bad += (args.runs - passed) + (args.runs - failed)
            print(f"{exercise.slug:<12} {passed:>12}/{args.runs:<3} {failed:>8}/{args.runs:<3} "
                  f"{time.monotonic() - start:>8.1f}", flush=True)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    beside = f" (with hogs beside: {args.hog})" if hogs else ""
    print(f"{'wrong verdicts':<12} {bad}{beside}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
