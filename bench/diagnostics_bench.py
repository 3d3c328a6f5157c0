"""What the concurrency diagnostics buy, measured in one run:

- time to verdict for a deadlocking test with the watchdog, against the plain
  per-test timeout it would otherwise cost; the same for a thread's and a
  process's crash, an endless loop in a call the test waits for, and an
  endless loop at import;
- the racy `race` stub caught in N of N seeded runs;
- the ABBA lock-order inversion flagged in N of N runs of a variant that never hangs;
- the instrumentation's cost on correct solutions' hidden suites, as a ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.course import load_course  # noqa: E402
from grader.model import Status  # noqa: E402
from grader.runner.run import BACKSTOP_GRACE, RunSpec, run_tests  # noqa: E402
from grader.validate import run_files  # noqa: E402

DIAG = ROOT / "tests" / "fixtures" / "diag"


def with_diagnostics(on: bool) -> None:
    os.environ["GRADER_DIAGNOSTICS"] = "1" if on else "0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--limit", type=float, default=10.0, help="per-test time limit")
    parser.add_argument("--healthy-runs", type=int, default=5,
                        help="runs of each healthy program (false reports must be 0)")
    args = parser.parse_args()
    course = load_course(ROOT)

    with_diagnostics(True)
    status_on, verdict_on = single(args.limit, "abba")
    with_diagnostics(False)
    status_off, verdict_off = single(args.limit, "abba")
    with_diagnostics(True)
    print(f"ABBA deadlock: verdict in {verdict_on:.2f} s ({status_on}) with the watchdog, "
          f"{verdict_off:.2f} s ({status_off}) without: {verdict_off / verdict_on:.0f}x sooner")
    for name in ("thread_crash", "process_crash", "endless_call"):
        with_diagnostics(True)
        status_on, verdict_on = single(args.limit, name)
        with_diagnostics(False)
        status_off, verdict_off = single(args.limit, name)
        with_diagnostics(True)
        print(f"{name}: verdict in {verdict_on:.2f} s ({status_on}) with the diagnostics, "
              f"{verdict_off:.2f} s ({status_off}) without: "
              f"{verdict_off / max(verdict_on, 1e-3):.1f}x sooner")
    seconds, why = import_loop(args.limit)
    print(f"endless loop at import: verdict in {seconds:.2f} s of wall time against the "
          f"{args.limit + BACKSTOP_GRACE:g} s an import may take ({why[:60]}...)")

    race = course.exercises["race"]
    caught = sum(run_files(race, race.stub_files(), seed=s).status is not Status.PASSED
                 for s in range(args.runs))
    print(f"racy `race` stub caught in {caught} of {args.runs} seeded runs")

    flagged = sum(single(args.limit, "inversion_without_hang")[0] == "potential-deadlock"
                  for _ in range(20))
    print(f"ABBA inversion that never hangs flagged in {flagged} of 20 runs")

    healthy = ["sleeper", "poller", "timer", "slow_pipeline", "slow_pool", "ordered_locks",
               "busy_worker", "join_after_draining", "lock_handed_over"]
    false = [(name, status) for _ in range(args.healthy_runs) for name in healthy
             if (status := single(args.limit, name)[0]) != "passed"]
    print(f"healthy but slow programs: {len(healthy) * args.healthy_runs} runs, "
          f"{len(false)} false reports {false if false else ''}")

    for slug in ("race", "condition", "pc_queue"):
        exercise = course.exercises[slug]
        on, off = [], []
        for _ in range(5):  # interleaved, so drift hits both alike
            for flag, bucket in ((True, on), (False, off)):
                with_diagnostics(flag)
                start = time.monotonic()
                result = run_files(exercise, exercise.solution_files())
                bucket.append(time.monotonic() - start)
                assert result.status is Status.PASSED, (slug, flag, result)
        with_diagnostics(True)
        print(f"instrumentation cost on `{slug}` (reference, public + hidden): "
              f"{statistics.median(on) / statistics.median(off):.2f}x "
              f"({statistics.median(on):.2f} s vs {statistics.median(off):.2f} s)")


def import_loop(limit: float) -> tuple[float, str]:
    """Seconds to the verdict on a module that loops forever when imported."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        (folder / "looping.py").write_text("while True:\n    pass\n")
        test = folder / "test_one.py"
        test.write_text("import looping\n\n\ndef test_one():\n    pass\n")
        start = time.monotonic()
        outcome = run_tests(RunSpec(files={"looping.py": folder / "looping.py"}, tests=[test],
                                    test_timeout=limit, timeout=limit * 3))
        return time.monotonic() - start, outcome.collection_error
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def single(limit: float, name: str) -> tuple[str, float]:
    """Run one scenario alone; return its status and its test's duration."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        test = folder / "test_one.py"
        test.write_text("import scenarios\nfrom grader.testing import call_with_deadline\n\n\n"
                        "def test_one():\n    call_with_deadline(scenarios.{name}, deadline=1e9)\n"
                        .replace("{name}", name))
        outcome = run_tests(RunSpec(files={"scenarios.py": DIAG / "scenarios.py"},
                                    tests=[test], test_timeout=limit, timeout=limit * 3))
        got = outcome.tests["test_one.py::test_one"]
        return got.status, got.duration
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
