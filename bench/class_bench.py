"""Grading a class at the speed of the machine: a generated class of N students
(default 100) over every exercise in course.toml, graded in parallel.

Prints, all measured in this one run:
- exercise-runs per second of `grader grade` (runs: the (student, exercise)
  pairs actually run; missing files are not runs);
- CPU utilisation of each core during the grading (from /proc/stat: the whole
  machine, other users included) and the grader's own share (its processes'
  CPU time over wall time x cores);
- the per-run cost of isolation: each exercise's reference solution graded in
  its own child forked by a warm server, against a bare in-process
  ``pytest.main`` of the same tests (a fresh interpreter that has imported
  pytest already; only ``pytest.main`` is timed), as a ratio (goal: <= 1.3x),
  twice: the bare run as any pytest (plugins autoloaded), and like for like
  (autoload off, as the grader's runs); ``--isolation-only`` measures just this;
- a regrade of the unchanged class (runs skipped);
- the verdicts: every reference solution must pass, every wrong answer and
  stub must fail, also with all cores busy; any that did not are listed.

Each student hands in, per exercise, the reference solution (60%), a wrong
answer from tests/wrong/SLUG (25%) or the stub (15%), chosen by a seeded
random generator. Shared, noisy machines: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.course import Course, Exercise, load_course  # noqa: E402
from grader.grade import Options, expected_tests, spec_for  # noqa: E402
from grader.runner import procs  # noqa: E402
from grader.runner.launch import Warm  # noqa: E402
from grader.runner.run import run_tests  # noqa: E402


def make_class(course: Course, folder: Path, students: int,
               seed: int) -> dict[tuple[str, str], str]:
    """Write the class; return what each (student, exercise) handed in:
    "solution", "wrong" or "stub"."""
    rng = random.Random(seed)
    kinds: dict[tuple[str, str], str] = {}
    for number in range(students):
        student = folder / f"student{number:03d}"
        student.mkdir(parents=True)
        for ex in course.exercises.values():
            wrong = sorted((ROOT / "tests" / "wrong" / ex.slug).glob("*.py"))
            draw = rng.random()
            kind = "solution" if draw < 0.6 else "wrong" if draw < 0.85 and wrong else "stub"
            kinds[student.name, ex.slug] = kind
            for name in ex.files:
                source = {"solution": ex.solution_dir / name, "stub": ex.exercise_dir / name,
                          "wrong": rng.choice(wrong) if wrong else None}[kind]
                target = student / ex.slug / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    return kinds


def cpu_times() -> list[tuple[int, int]]:
    """(busy, total) jiffies per core, from /proc/stat."""
    cores = []
    with open("/proc/stat") as f:
        for line in f:
            if re.match(r"cpu\d+ ", line):
                values = [int(v) for v in line.split()[1:]]
                idle = values[3] + values[4]  # idle + iowait
                cores.append((sum(values) - idle, sum(values)))
    return cores


def grade(folder: Path, out: Path, jobs: int,
          sandbox: str) -> tuple[float, str, list[float], float]:
    """Grade the class; return wall seconds, the output, per-core utilisation
    and the grader's share of the machine."""
    before_cores, before_self = cpu_times(), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "grader", "--course", str(ROOT), "grade",
                          str(folder), "--out", str(out), "--jobs", str(jobs),
                          *([sandbox] if sandbox else [])],
                         capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    wall = time.monotonic() - start
    if run.returncode != 0:
        raise SystemExit(f"grading failed: {run.stderr[-2000:]}")
    after_cores, after_self = cpu_times(), resource.getrusage(resource.RUSAGE_CHILDREN)
    per_core = [(b1 - b0) / max(t1 - t0, 1)
                for (b0, t0), (b1, t1) in zip(before_cores, after_cores, strict=True)]
    own = (after_self.ru_utime + after_self.ru_stime
           - before_self.ru_utime - before_self.ru_stime) / (wall * len(per_core))
    return wall, run.stdout, per_core, own


def check_verdicts(out: Path, kinds: dict[tuple[str, str], str]) -> None:
    """Print how many of each kind got the verdict they must get, and any that did not."""
    right: Counter[str] = Counter()
    wrong: list[str] = []
    results = {student: json.loads((out / student / "results.json").read_text())["exercises"]
               for student in {s for s, _ in kinds}}  # each student's file read once
    for (student, slug), kind in sorted(kinds.items()):
        result = results[student][slug]
        if (result["status"] == "passed") == (kind == "solution"):
            right[kind] += 1
        else:
            bad = [t for t in result["tests"] if t["status"] != "passed"]
            why = (bad[0]["message"] if bad else result["message"]).strip()
            wrong.append(f"  {student} {slug} ({kind}): {result['status']} "
                         f"{[t['name'] + ': ' + t['status'] for t in bad[:3]]}\n"
                         + "\n".join("    " + line for line in why.splitlines()[:40]))
    total = Counter(kinds.values())
    print("verdicts: " + ", ".join(
        f"{right[k]}/{total[k]} {label}" for k, label in (
            ("solution", "reference solutions passed"), ("wrong", "wrong answers failed"),
            ("stub", "stubs failed"))) + f"; {len(wrong)} wrong verdict(s)")
    for line in wrong:
        print(line)


def counts(output: str) -> tuple[int, int]:
    text = " ".join(output.split())
    runs = int(re.search(r"(\d+) exercise-runs", text)[1])
    skipped = int(re.search(r"(\d+) runs skipped", text)[1])
    return runs, skipped


def bare_inprocess(exercise: Exercise, autoload: bool = True) -> float:
    """Seconds of ``pytest.main`` on the solution's tests in an interpreter
    that has imported pytest already (the plugin loads, as for any pytest;
    ``autoload=False``: without the plugins the venv installs, as the grader's
    runs are)."""
    tests = exercise.public_tests + exercise.hidden_tests
    code = ("import os, sys, time, pytest; sys.path.insert(0, sys.argv[1]); "
            "t = time.monotonic(); rc = pytest.main(['-q', '-p', 'no:cacheprovider', "
            "'--import-mode=importlib', *sys.argv[2:]]); "
            "print(time.monotonic() - t); sys.stdout.flush(); os._exit(rc)")
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, **({} if autoload else {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})}
        plugin = [] if autoload else ["-p", "grader.plugin"]  # else found by its entry point
        run = subprocess.run([sys.executable, "-c", code, str(exercise.solution_dir),
                              *plugin, *map(str, tests)], capture_output=True, text=True,
                             cwd=scratch, env=env)
    if run.returncode != 0:
        raise SystemExit(f"{exercise.slug}: the bare pytest run failed:\n{run.stdout[-2000:]}")
    return float(run.stdout.strip().splitlines()[-1])


def isolated(exercise: Exercise, launcher: Warm) -> float:
    """Seconds of grading the solution in a child forked by the warm server."""
    expected = expected_tests(exercise, hidden=True)
    start = time.monotonic()
    outcome = run_tests(spec_for(exercise, exercise.solution_files(), Options()), expected,
                        launcher)
    seconds = time.monotonic() - start
    bad = {n: t.status for n, t in outcome.tests.items() if t.status != "passed"}
    if bad or len(outcome.tests) != len(expected):
        raise SystemExit(f"{exercise.slug}: the solution did not pass in isolation: {bad}")
    return seconds


def isolation_cost(course: Course, repeat: int) -> None:
    procs.become_subreaper()
    launcher = Warm()
    try:
        ours, bare, lean = [], [], []
        for ex in course.exercises.values():
            expected_tests(ex, hidden=True)  # collected once, as a grading does
            o = statistics.median(isolated(ex, launcher) for _ in range(repeat))
            b = statistics.median(bare_inprocess(ex) for _ in range(repeat))
            n = statistics.median(bare_inprocess(ex, autoload=False) for _ in range(repeat))
            ours.append(o)
            bare.append(b)
            lean.append(n)
            print(f"  {ex.slug:<12} isolated {o:6.2f} s  bare in-process {b:6.2f} s "
                  f"(no plugin autoload {n:6.2f} s)  ratio {o / b:5.2f}x ({o / n:5.2f}x)")
    finally:
        launcher.close()
    for label, base in (("", bare), (" (like for like: the bare run without plugin autoload, "
                                     "as the grader's runs)", lean)):
        per_run = (sum(ours) - sum(base)) / len(ours)
        print(f"isolation{label}: {sum(ours) / sum(base):.2f}x the bare in-process pytest time "
              f"over all exercises (goal <= 1.3x), {per_run * 1000:+.0f} ms per run; median "
              f"ratio {statistics.median(o / b for o, b in zip(ours, base, strict=True)):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=0, help="default: the grader's (two per core)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sandbox", action=argparse.BooleanOptionalAction, default=None,
                        help="grade sandboxed (cold runs) or not (warm servers); default: "
                        "the grader's default (sandboxed where bubblewrap works)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="isolated and bare runs per exercise (medians)")
    parser.add_argument("--isolation-only", action="store_true",
                        help="measure only the per-run cost of isolation")
    args = parser.parse_args()
    course = load_course(ROOT)
    if args.isolation_only:
        isolation_cost(course, args.repeat)
        return
    sandbox = {None: "", True: "--sandbox", False: "--no-sandbox"}[args.sandbox]
    with tempfile.TemporaryDirectory(prefix="class-bench-") as tmp:
        folder, out = Path(tmp) / "class", Path(tmp) / "out"
        kinds = make_class(course, folder, args.students, args.seed)
        print(f"class: {args.students} students x {len(course.exercises)} exercises "
              f"({', '.join(f'{n} {k}' for k, n in Counter(kinds.values()).items())})")
        wall, output, per_core, own = grade(folder, out, args.jobs, sandbox)
        runs, _ = counts(output)
        print(f"graded: {runs} exercise-runs in {wall:.1f} s = {runs / wall:.2f} exercise-runs/s")
        print("CPU utilisation per core (whole machine): "
              + ", ".join(f"cpu{i} {u:.0%}" for i, u in enumerate(per_core))
              + f"; the grader's own processes: {own:.0%} of all cores")
        check_verdicts(out, kinds)
        again_wall, again, _, _ = grade(folder, out, args.jobs, sandbox)
        runs_again, skipped = counts(again)
        print(f"regrade of the unchanged class: {runs_again} runs, {skipped} runs skipped, "
              f"{again_wall:.1f} s")
    isolation_cost(course, args.repeat)


if __name__ == "__main__":
    main()
