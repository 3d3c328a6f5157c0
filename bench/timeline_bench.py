"""What recording the timeline costs, measured in one run: every reference
solution graded (public and hidden tests) with the recording on and off
(``GRADER_TIMELINE=0``), interleaved so that drift hits both alike. Prints,
per exercise, the median time in the tests of each and their ratio, then the
ratio over the whole course. The aim is at most 1.1x.

    python bench/timeline_bench.py               # 3 gradings each way
    python bench/timeline_bench.py --runs 5 --only contention,race
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.course import load_course  # noqa: E402
from grader.model import Status  # noqa: E402
from grader.validate import run_files  # noqa: E402


def graded(exercise, on: bool) -> float:
    """Seconds spent in the tests of one grading of the reference solution."""
    os.environ["GRADER_TIMELINE"] = "1" if on else "0"
    result = run_files(exercise, exercise.solution_files())
    if result.status is not Status.PASSED:
        raise SystemExit(f"{exercise.slug}: the reference solution did not pass "
                         f"({'with' if on else 'without'} the recording): {result.status}")
    return sum(t.duration for t in result.tests)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="comma-separated slugs")
    args = parser.parse_args()
    course = load_course(ROOT)
    exercises = course.select(args.only.split(",") if args.only else None)
    total_on = total_off = 0.0
    worst = ("", 0.0)
    print(f"{'exercise':<12} {'recording on':>13} {'off':>8} {'ratio':>7}")
    for exercise in exercises:
        on, off = [], []
        for _ in range(args.runs):
            on.append(graded(exercise, True))
            off.append(graded(exercise, False))
        a, b = statistics.median(on), statistics.median(off)
        total_on, total_off = total_on + a, total_off + b
        worst = max(worst, (exercise.slug, a / b), key=lambda w: w[1])
        print(f"{exercise.slug:<12} {a:>12.2f}s {b:>7.2f}s {a / b:>6.2f}x", flush=True)
    os.environ.pop("GRADER_TIMELINE", None)
    print(f"\nall {len(exercises)} reference solutions: {total_on:.1f} s in the tests with the "
          f"recording, {total_off:.1f} s without: {total_on / total_off:.2f}x "
          f"(most: {worst[0]}, {worst[1]:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
