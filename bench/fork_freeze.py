"""Pools under the fork start method, thousands of them, in graded runs beside hogs.

On CPython 3.11 a garbage collection can start inside ``sys._current_frames()``,
which holds the interpreter's thread-list lock; if that collection runs a
finalizer that lets another thread take the GIL (a ``Popen``'s, closing its
pipes), and that thread then starts or ends a thread, the whole process
freezes, signal handlers and all (CPython gh-106883). The grader's watchdog
reads every thread's frames 20 times a second, and a ``Pool`` made under fork
makes exactly those finalizers and threads: ``make stress HOG=1`` saw one
perfmp test freeze in 3400 gradings ("did not stop when asked to"). Since
``grader.runner.stacks.current_frames`` pauses the collector for that read,
none has.

This grades perfmp's reference solution with a hidden suite of REPEAT tests,
each making two pools under fork, COPIES gradings at once, RUNS times, beside
a CPU hog and a memory hog, and prints how many tests froze.

    python bench/fork_freeze.py --runs 60 --copies 2      # make freeze: about 22 minutes
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hogs import beside  # noqa: E402

from grader.course import load_course  # noqa: E402
from grader.model import Status  # noqa: E402
from grader.validate import grade_cases, solution_case  # noqa: E402

REPEATED = '''

@pytest.mark.parametrize("i", range({repeat}))
def test_fork_again(i):
    multiprocessing.set_start_method("fork", force=True)
    for n, workers in [(1001, 3), (1, 2)]:
        assert total(n, workers) == expected(n)
'''


def course_copy(scratch: Path, repeat: int) -> Path:
    """The course with perfmp's hidden suite making ``repeat`` more pairs of pools."""
    for part in ("course.toml", "exercises", "hidden", "solutions"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, scratch / part)
    toml = scratch / "course.toml"
    text, found = re.subn(r'(slug = "perfmp"\n(?:[^\[\n].*\n)*?points = \d+\n)',
                          rf"\1timeout = {60 * repeat}\n", toml.read_text())
    assert found == 1, "perfmp's entry in course.toml has changed shape"
    toml.write_text(text)
    with (scratch / "hidden" / "perfmp" / "test_perfmp_hidden.py").open("a") as hidden:
        hidden.write(REPEATED.format(repeat=repeat))
    return scratch


def grade_one(course_dir: str, seed: int) -> None:
    """(In a process of its own: a grading owns its signal handlers.) Grade the
    reference solution once; print the number of tests and the wrong verdicts."""
    course = load_course(Path(course_dir))
    case = solution_case(course.exercises["perfmp"])
    result = grade_cases(course, [case], seed=seed, jobs=1)[case]
    print(json.dumps([len(result.tests), [f"{t.name} {t.status}: {t.message[:300]!r}"
                                          for t in result.tests
                                          if t.status is not Status.PASSED]]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--copies", type=int, default=2, help="gradings at once")
    parser.add_argument("--repeat", type=int, default=150, help="fork tests per grading")
    parser.add_argument("--grade-one", nargs=2, metavar=("COURSE", "SEED"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.grade_one:
        grade_one(args.grade_one[0], int(args.grade_one[1]))
        return 0
    scratch = Path(tempfile.mkdtemp(prefix="fork-freeze-"))
    frozen = graded = tests = 0
    start = time.monotonic()
    try:
        course_copy(scratch, args.repeat)

        def one(seed: int) -> tuple[int, list[str]]:
            out = subprocess.run([sys.executable, __file__, "--grade-one", str(scratch),
                                  str(seed)], capture_output=True, text=True, check=True)
            count, bad = json.loads(out.stdout.splitlines()[-1])
            return count, bad

        with beside(["cpu", "mem"]), ThreadPoolExecutor(args.copies) as pool:
            for run in range(args.runs):
                for count, bad in pool.map(one, range(run * args.copies,
                                                      (run + 1) * args.copies)):
                    graded, tests = graded + 1, tests + count
                    frozen += len(bad)
                    for line in bad:
                        print("  " + line, flush=True)
                print(f"run {run + 1} of {args.runs}: {graded} gradings, "
                      f"{tests} tests, {frozen} wrong, "
                      f"{time.monotonic() - start:.0f} s", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{frozen} wrong verdicts in {graded} gradings of perfmp's reference solution "
          f"({2 * args.repeat} pools under fork each, {args.copies} at once, beside a CPU "
          f"hog and a memory hog), {time.monotonic() - start:.0f} s")
    return 1 if frozen else 0


if __name__ == "__main__":
    raise SystemExit(main())
