"""The ``grader`` command: list, check, grade, validate."""

from __future__ import annotations

import argparse
import filecmp
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from grader.course import Course, CourseError, find_course_root, load_course
from grader.discover import Submission, SubmissionError, find_file, find_submissions
from grader.grade import Options, grade_exercise
from grader.model import Status, StudentResult
from grader.reports import table, write_all

if TYPE_CHECKING:
    from grader.batch import Stats


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grader", description=__doc__)
    parser.add_argument("--course", help="the course folder (default: the nearest folder "
                        "holding course.toml)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="the exercises, and their state in a working copy")
    p.add_argument("--path", help="your working copy (default: the course's exercises/)")

    p = sub.add_parser("check", help="run an exercise's public tests on your file")
    p.add_argument("slug")
    p.add_argument("--path", help="your working copy (default: the course's exercises/)")
    p.add_argument("--seed", type=int, default=0, help="replay a run with this seed")

    p = sub.add_parser("grade", help="grade a class (or one submission with --single)")
    p.add_argument("submissions", help="a folder with one sub-folder or .zip per student; "
                   "with --single, one submission")
    p.add_argument("--out", required=True, help="where the reports go")
    p.add_argument("--single", action="store_true", help="grade SUBMISSIONS as one "
                   "student's submission (CI); exit 1 unless full marks")
    p.add_argument("--student", help="the student's name with --single (default: the "
                   "folder's name)")
    p.add_argument("--exit-zero", action="store_true", help="with --single, exit 0 "
                   "whatever the score")
    p.add_argument("--only", help="comma-separated slugs to grade (default: all)")
    p.add_argument("--seed", type=int, default=0, help="base seed for provoked races")
    _class_options(p)

    p = sub.add_parser("merge", help="combine the results of sharded gradings into one")
    p.add_argument("folders", nargs="+", help="the --out folders of `grader grade --shard`")
    p.add_argument("--out", required=True, help="where the combined reports go")

    p = sub.add_parser("validate", help="check the course: solutions pass, stubs fail")
    p.add_argument("--only", help="comma-separated slugs (default: all)")
    p.add_argument("--seed", type=int, default=0)
    return parser


def _class_options(p: argparse.ArgumentParser) -> None:
    """Grading a class fast: parallel, cached, sharded (grader.batch, grader.shard)."""
    p.add_argument("--jobs", "-j", type=int, default=0, help="runs at the same time "
                   "(default: every core)")
    p.add_argument("--force", action="store_true", help="grade again what is unchanged "
                   "since the last grading into --out (default: reuse those results)")
    p.add_argument("--shard", metavar="I/N", help="grade only the I-th of N slices of the "
                   "students (a CI matrix, array jobs); then `grader merge`")


def _slugs(text: str | None) -> list[str] | None:
    return [s.strip() for s in text.split(",") if s.strip()] if text else None


def _working_copy(course: Course, path: str | None) -> Path:
    folder = Path(path) if path else course.root / "exercises"
    if not folder.exists():
        raise SubmissionError(f"{folder}: no such folder")
    return folder


def cmd_list(course: Course, args: argparse.Namespace) -> int:
    folder = _working_copy(course, args.path)
    out = table.console()
    grid = table.Table(title=course.title)
    for name in ("exercise", "part", "points", "file", "state"):
        grid.add_column(name)
    for ex in course.exercises.values():
        states = []
        for name in ex.files:
            found = find_file(folder, name)
            if found is None:
                states.append("missing")
            elif filecmp.cmp(found, ex.exercise_dir / name, shallow=False):
                states.append("not started")
            else:
                states.append("edited")
        grid.add_row(ex.slug, str(ex.part), f"{ex.points:g}", ", ".join(ex.files),
                     ", ".join(sorted(set(states))))
    out.print(grid)
    return 0


def cmd_check(course: Course, args: argparse.Namespace) -> int:
    exercise = course.select([args.slug])[0]
    folder = _working_copy(course, args.path)
    out = table.console()
    result = grade_exercise(exercise, folder, Options(hidden=False, seed=args.seed))
    out.print(f"[bold]{exercise.slug}[/]: {exercise.title}")
    if result.message:
        out.print(result.message, markup=False)
    for test in result.tests:
        ok = test.status is Status.PASSED
        mark = "[green]PASS[/]" if ok else f"[red]{test.status.upper()}[/]"
        out.print(f"  {mark} {escape(test.name)}")
        if test.status is not Status.PASSED and test.message and result.status not in (
                Status.MISSING, Status.ERROR):
            out.print("    " + test.message.replace("\n", "\n    "), markup=False)
    passed = sum(t.status is Status.PASSED for t in result.tests)
    out.print(f"{passed} of {len(result.tests)} public tests passed"
              + ("" if result.status is Status.PASSED else
                 ". The hidden tests check more: threads, timing, and wrong answers."))
    return 0 if result.status is Status.PASSED else 1


def _grade_many(course: Course, submissions: list[Submission], slugs: list[str],
                options: Options, args: argparse.Namespace
                ) -> tuple[list[StudentResult], Stats]:
    from grader.batch import ClassGrading

    if args.jobs < 0:
        raise SubmissionError(f"--jobs {args.jobs}: give a positive number (0: every core)")
    grading = ClassGrading(course, submissions, course.select(slugs), options,
                           Path(args.out), jobs=args.jobs, force=args.force)
    return grading.run(), grading.stats


def _print_summary(results: list[StudentResult], slugs: list[str], stats: Stats) -> None:
    from grader.reports import summary

    out = table.console()
    if len(results) > 1:
        out.print(summary.exercises(results, slugs))
    out.print(f"{stats.runs} exercise-runs with {stats.jobs} jobs ({stats.exclusive} of them "
              f"alone: cpu-sensitive tests), {stats.skipped} runs skipped (unchanged since "
              f"the last grading), {stats.missing} missing; {stats.failures} exercises not "
              f"passed; {stats.seconds:.1f} s")


def cmd_grade(course: Course, args: argparse.Namespace) -> int:
    source = Path(args.submissions)
    out_dir = Path(args.out)
    slugs = [ex.slug for ex in course.select(_slugs(args.only))]
    options = Options(hidden=True, seed=args.seed)
    if args.single:
        if not source.exists():
            raise SubmissionError(f"{source}: no such file or folder")
        name = args.student or (source.stem if source.suffix == ".zip" else source.resolve().name)
        submissions = [Submission(name, source)]
    else:
        submissions = find_submissions(source)
        if not submissions:
            raise SubmissionError(f"{source}: no student folders or .zip files in it")
    shard = None
    if args.shard:
        from grader import shard as sharding

        index, count = sharding.parse(args.shard)
        submissions, shard = sharding.select(submissions, index, count), f"{index}/{count}"
    start = time.monotonic()
    results, stats = _grade_many(course, submissions, slugs, options, args)
    write_all(out_dir, results, slugs)
    _write_graded(out_dir, slugs, shard, results)
    out = table.console()
    out.print(table.gradebook(results, slugs, out.width))
    _print_summary(results, slugs, stats)
    out.print(f"Graded {len(results)} submission(s) in {time.monotonic() - start:.1f} s. "
              f"Reports: {out_dir}/gradebook.csv, {out_dir}/junit.xml, "
              f"{out_dir}/<student>/results.json and feedback.md")
    if args.single:
        result = results[0]
        if result.score < result.max_score:
            out.print(table.tests(result))
            return 0 if args.exit_zero else 1
    return 0


def _write_graded(out: Path, slugs: list[str], shard: str | None,
                  results: list[StudentResult]) -> None:
    from grader.shard import write_graded

    write_graded(out, slugs, shard, [r.student for r in results])


def cmd_merge(course: Course, args: argparse.Namespace) -> int:
    from grader.shard import merge

    results, slugs = merge([Path(f) for f in args.folders])
    out_dir = Path(args.out)
    write_all(out_dir, results, slugs)
    _write_graded(out_dir, slugs, None, results)
    out = table.console()
    out.print(table.gradebook(results, slugs, out.width))
    out.print(f"Merged {len(results)} submission(s) from {len(args.folders)} folder(s) into "
              f"{out_dir}")
    return 0


def cmd_validate(course: Course, args: argparse.Namespace) -> int:
    from grader.validate import validate

    out = table.console()
    checks = validate(course, _slugs(args.only), seed=args.seed)
    grid = table.Table(title="Course validation")
    for name in ("exercise", "tests", "solution", "stub (hidden)", "hidden tests on the "
                 "solution (s)", "seconds", "verdict"):
        grid.add_column(name)
    for check in checks:
        grid.add_row(check.slug, str(check.tests),
                     f"{check.solution.score:g}/{check.solution.max_score:g}",
                     f"{check.stub.score:g}/{check.stub.max_score:g}",
                     f"{check.hidden_seconds:.2f}", f"{check.seconds:.1f}",
                     "[green]ok[/]" if check.ok else "[red]FAIL[/]")
    out.print(grid)
    for check in checks:
        for problem in check.problems():
            out.print(f"[red]{check.slug}[/]: {escape(problem)}")
    return 0 if all(c.ok for c in checks) else 1


COMMANDS = {"list": cmd_list, "check": cmd_check, "grade": cmd_grade, "merge": cmd_merge,
            "validate": cmd_validate}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        course = load_course(find_course_root(args.course))
        return COMMANDS[args.command](course, args)
    except (CourseError, SubmissionError) as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("grader: interrupted", file=sys.stderr)
        return 130
