"""Same submission, same score: every wrong answer of tests/wrong/ (and every
stub) graded N times, the way a class is graded, with the same seed each time
(an instructor who regrades, a student who resubmits unchanged code). Prints
each case's scores and their spread (max - min); a case whose spread is not 0
is listed with the tests whose status changed.

    python bench/spread.py                 # 5 gradings of every wrong answer
    python bench/spread.py --runs 3 --only race,pool --hog cpu

Exit 1 if any spread is not 0.
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
from grader.validate import STUB, WRONG, grade_cases, wrong_cases  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", help="comma-separated slugs")
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--hog", action="store_true", help="a CPU hog beside, all along")
    args = parser.parse_args()
    course = load_course(ROOT)
    only = set(args.only.split(",")) if args.only else None
    cases = [c for c in wrong_cases(course) if c.kind in (WRONG, STUB)
             and (only is None or c.slug in only)]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    start = time.monotonic()
    gradings = []
    with beside(["cpu"] if args.hog else []):
        for run in range(args.runs):
            gradings.append(grade_cases(course, cases, seed=0, jobs=args.jobs))
            print(f"grading {run + 1} of {args.runs} done after "
                  f"{time.monotonic() - start:.0f} s", flush=True)
    uneven = 0
    print(f"\n{'case':<45} {'scores':<40} spread")
    for case in cases:
        results = [g[case] for g in gradings]
        scores = [r.score for r in results]
        spread = max(scores) - min(scores)
        uneven += spread > 0
        print(f"{case.label:<45} {' '.join(f'{s:g}' for s in scores):<40} {spread:g}")
        if spread > 0:
            names = {t.name for r in results for t in r.tests}
            for name in sorted(names):
                statuses = [str(next((t.status for t in r.tests if t.name == name), "-"))
                            for r in results]
                if len(set(statuses)) > 1:
                    print(f"    {name}: {' '.join(statuses)}")
    loaded = " with a CPU hog beside" if args.hog else ""
    print(f"\n{len(cases)} cases graded {args.runs} times{loaded} in "
          f"{time.monotonic() - start:.0f} s: {uneven} with a spread above 0")
    return 1 if uneven else 0


if __name__ == "__main__":
    raise SystemExit(main())
