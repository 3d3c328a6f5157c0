"""Run an exercise's tests from a notebook cell (nbgrader's test cells).

The tests run in the grader's isolated child process, with its time limits and
deadlock diagnostics, never in the notebook's kernel: a deadlock in the
student's code fails the cell with a report instead of hanging the kernel.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


def check_files(slug: str, files: list[str], tests: dict[str, str], points: float,
                timeout: float = 120.0, test_timeout: float = 15.0) -> float:
    """Run the test sources ``tests`` (file name -> code) on the student's
    ``files`` (written next to the notebook by its ``%%writefile`` cells).

    Prints one line per test (and why each failure failed) and returns the
    score: ``points`` shared by the tests' weights, as ``grader grade`` does.
    nbgrader takes a number as the cell's partial credit. Raises AssertionError
    (no credit) when no test could run."""
    from grader.runner.run import RunSpec, run_tests

    absent = [name for name in files if not Path(name).is_file()]
    if absent:
        raise AssertionError(f"{absent[0]} was not written: run the cell that starts with "
                             f"%%writefile {absent[0]} first")
    folder = Path(tempfile.mkdtemp(prefix="grader-nb-"))
    try:
        paths = []
        for name, source in tests.items():
            (folder / name).write_text(source, encoding="utf-8")
            paths.append(folder / name)
        spec = RunSpec(files={name: Path(name).resolve() for name in files}, tests=paths,
                       test_timeout=test_timeout, timeout=timeout, exercise=slug)
        outcome = run_tests(spec)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if outcome.collection_error:
        raise AssertionError("the code could not be imported, so no test ran:\n"
                             + outcome.collection_error)
    if not outcome.collected:
        raise AssertionError("no test ran: " + ("; ".join(outcome.notes) or "nothing collected"))
    total = sum(test.weight for test in outcome.collected) or 1.0
    earned, failures = 0.0, []
    for test in outcome.collected:
        got = outcome.tests.get(test.nodeid)
        status = got.status if got else "error"
        print(f"{status.upper():>10}  {test.nodeid}")
        if status == "passed":
            earned += test.weight
        else:
            why = got.message if got else "did not run: " + "; ".join(outcome.notes)
            failures.append(f"--- {test.nodeid}: {status}\n{why}")
    if failures:
        print("\n".join(failures))
    return round(points * earned / total, 4)
