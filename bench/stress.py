"""Repeated runs: every reference solution must pass N of N, every stub fail
N of N. Each run grades them all as one class, the way an instructor grades
(in parallel, ``--jobs`` at a time; tests marked cpu_sensitive alone), with
that run's seed. With --hog cpu,mem, a CPU-bound process and/or a process that
keeps rewriting a large block of memory run beside the grader the whole time.
Exit 1 if any run went the wrong way; a failed solution's whole message (every
thread's stack) is appended to build/stress-failures.txt.

    python bench/stress.py --runs 50 --hog cpu,mem       # make stress HOG=1
    python bench/stress.py --runs 5 --only pool,queue_mp --jobs 1
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hogs import beside  # noqa: E402

from grader.course import load_course  # noqa: E402
from grader.model import Status  # noqa: E402
from grader.validate import SOLUTION, grade_cases, solution_case, stub_case  # noqa: E402

FAILURES = ROOT / "build" / "stress-failures.txt"


def keep_whole(slug: str, run: int, test: str, status: str, message: str) -> None:
    """A wrong verdict's whole message (every thread's stack), for whoever
    looks into it: appended to build/stress-failures.txt."""
    FAILURES.parent.mkdir(exist_ok=True)
    with FAILURES.open("a", encoding="utf-8") as out:
        out.write(f"=== {time.strftime('%Y-%m-%d %H:%M:%S')} {slug} solution, seed {run}: "
                  f"{test} {status}\n{message}\n\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--only", help="comma-separated slugs")
    parser.add_argument("--jobs", type=int, default=0, help="runs at once (default: two per core)")
    parser.add_argument("--hog", nargs="?", const="cpu", default="",
                        help="hogs to run beside: cpu, mem or cpu,mem (bare --hog: cpu)")
    parser.add_argument("--hog-mb", type=int, default=2048, help="size of the memory hog")
    args = parser.parse_args()
    course = load_course(ROOT)
    exercises = course.select(args.only.split(",") if args.only else None)
    cases = [make(e) for e in exercises for make in (solution_case, stub_case)]
    # a SIGTERM ends the hogs too (they end with the block below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    passed = dict.fromkeys((e.slug for e in exercises), 0)
    failed = dict(passed)
    start = time.monotonic()
    with beside(filter(None, args.hog.split(",")), args.hog_mb) as hogs:
        for run in range(args.runs):
            results = grade_cases(course, cases, seed=run, jobs=args.jobs)
            for case, result in results.items():
                if case.kind == SOLUTION:
                    passed[case.slug] += result.status is Status.PASSED
                    for t in result.tests:
                        if t.status is not Status.PASSED:
                            print(f"  {case.slug} solution failed with seed {run}: {t.name} "
                                  f"{t.status}: {t.message[:400]!r}", flush=True)
                            keep_whole(case.slug, run, t.name, str(t.status), t.message)
                else:
                    failed[case.slug] += any(t.status is not Status.PASSED
                                             for t in result.tests if t.hidden)
            print(f"run {run + 1} of {args.runs} done after {time.monotonic() - start:.0f} s",
                  flush=True)
    print(f"\n{'exercise':<12} {'solution passed':>16} {'stub failed':>12}")
    for slug in passed:
        print(f"{slug:<12} {passed[slug]:>12}/{args.runs:<3} {failed[slug]:>8}/{args.runs:<3}")
    bad = sum(args.runs - n for n in passed.values()) + sum(args.runs - n
                                                           for n in failed.values())
    loaded = f" (with hogs beside: {args.hog})" if hogs else ""
    print(f"{'wrong verdicts':<12} {bad} in {len(cases) * args.runs} gradings, "
          f"{time.monotonic() - start:.0f} s{loaded}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
