"""The ``grader`` command: list, check, grade, validate, release."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from grader import versions
from grader.course import Course, CourseError, Exercise, find_course_root, load_course
from grader.discover import Submission, SubmissionError, find_file, find_submissions
from grader.grade import Options, grade_exercise
from grader.model import ExerciseResult, Status, StudentResult
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
    _assignment_option(p)

    p = sub.add_parser("check", help="run an exercise's public tests on your file")
    p.add_argument("slug", nargs="?", help="the exercise (or all of --assignment's)")
    p.add_argument("--path", help="your working copy (default: the course's exercises/)")
    p.add_argument("--seed", type=int, default=0, help="replay a run with this seed")
    _assignment_option(p)
    _sandbox_option(p)

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
    p.add_argument("--only", help="comma-separated slugs to grade (default: all of the "
                   "assignment, or of the course); a testing aid")
    p.add_argument("--seed", type=int, default=0, help="base seed for provoked races")
    _assignment_option(p)
    _report_options(p)
    _sandbox_option(p)
    _class_options(p)

    p = sub.add_parser("merge", help="combine the results of sharded gradings into one")
    p.add_argument("folders", nargs="+", help="the --out folders of `grader grade --shard`")
    p.add_argument("--out", required=True, help="where the combined reports go")

    _release_parser(sub)

    p = sub.add_parser("validate", help="check the course: solutions pass, stubs fail")
    p.add_argument("--only", help="comma-separated slugs (default: all)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", "-j", type=int, default=0, help="runs at the same time "
                   "(default: two per core)")
    p.add_argument("--no-cases", action="store_true", help="only the solutions and the "
                   "stubs, not the wrong answers and alternatives of course.toml's [validate]")
    _assignment_option(p)
    return parser


def _assignment_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--assignment", "-a", metavar="NAME", help="one assignment of the course "
                   "(course.toml [[assignment]]; default: the whole course)")


def _report_options(p: argparse.ArgumentParser) -> None:
    from grader.reports import DEFAULT_FORMATS, FORMATS

    p.add_argument("--format", dest="formats", help="comma-separated reports to write besides "
                   f"results.json: {', '.join(FORMATS)} or all (default: "
                   f"{','.join(DEFAULT_FORMATS)})")
    p.add_argument("--public-only", action="store_true", help="run the public tests only "
                   "(CI in a student's own repository, where nothing can be kept secret)")


def _write_reports(course: Course, args: argparse.Namespace, results: list[StudentResult],
                   slugs: list[str]) -> None:
    """The class's reports (each student's files were written as the student
    was complete); on GitHub Actions also the step summary and an error
    annotation per failed test."""
    import os

    from grader.reports import github, student, write_class

    hidden = [p for ex in course.select(slugs) for p in ex.hidden_tests]
    redact = student.Redactor(hidden)
    write_class(Path(args.out), results, slugs, _formats(args.formats), redact,
                _groups(course))
    github.write_summary(results, slugs, redact)
    if os.environ.get("GITHUB_ACTIONS") == "true" and args.single:
        source = Path(args.submissions)

        def locate(slug: str) -> list[str]:
            found = [find_file(source, name) for name in course.exercises[slug].files]
            return [_relative(p) for p in found if p is not None]

        for command in github.annotations(results[0], locate, redact):
            print(command)


def _groups(course: Course) -> dict[str, list[str]]:
    """The course's assignments, name -> slugs (the class report's columns)."""
    return {a.name: list(a.slugs) for a in course.assignments.values()}


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _release_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("release", help="write what students get (OUT/student), the grading "
                       "copy (OUT/grading), an nbgrader course (OUT/nbgrader), and per "
                       "assignment a Gradescope zip (OUT/gradescope) and a GitHub Classroom "
                       "template (OUT/classroom)")
    p.add_argument("--out", required=True, help="the folder to write into")
    p.add_argument("--force", action="store_true", help="replace an existing release in OUT")
    _assignment_option(p)


def cmd_release(course: Course, args: argparse.Namespace) -> int:
    try:
        from grader.deploy.release import release
    except ImportError as exc:
        raise SubmissionError(f"grader release needs the instructor's tools ({exc.name} is "
                              "not installed): pip install 'concurrency-grader[instructor]' "
                              "in the course's checkout") from None
    done = release(course, Path(args.out), force=args.force)
    out = table.console()
    what = f"assignment {course.scope}" if course.scope else "the course"
    out.print(f"Released {what}: {len(done.exercises)} exercise(s), {len(done.notebooks)} "
              f"notebook(s), {len(done.zips)} Gradescope zip(s) into {done.out}:", markup=False)
    for name, text in (("student", "the student bundle: hand it out (pip install -e .)"),
                       ("grading", "the grading copy (hidden tests, no solutions): keep "
                        "private; the course repository of the Classroom workflows"),
                       ("nbgrader", "an nbgrader course directory"),
                       ("gradescope", "an autograder zip per assignment"),
                       ("classroom", "a GitHub Classroom template repository per "
                        "assignment")):
        out.print(f"  {done.out / name}: {text}", markup=False)
    return 0


def _sandbox_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sandbox", action=argparse.BooleanOptionalAction, default=None,
                   help="run student code under bubblewrap: no network, only its scratch "
                   "folder (default: on where bubblewrap works)")


def _use_sandbox(args: argparse.Namespace) -> bool:
    """The --sandbox choice; says once what protection remains without one."""
    from grader.runner import sandbox

    if args.sandbox is False:
        print("grader: --no-sandbox: " + sandbox.fallback_note().split(": ", 2)[2],
              file=sys.stderr)
        return False
    if sandbox.available():
        return True
    if args.sandbox:
        raise SubmissionError("--sandbox: bubblewrap is not installed or cannot start here "
                              "(Debian: apt-get install bubblewrap)")
    print(sandbox.fallback_note(), file=sys.stderr)
    return False


def _class_options(p: argparse.ArgumentParser) -> None:
    """Grading a class fast: parallel, cached, sharded (grader.batch, grader.shard)."""
    p.add_argument("--jobs", "-j", type=int, default=0, help="runs at the same time "
                   "(default: two per core; cpu-sensitive tests always run alone)")
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
    from grader.progress import progress, stub_digests

    folder = _working_copy(course, args.path)
    out = table.console()
    grid = table.Table(title=course.title + (f": {course.assignment(course.scope).label}"
                                             if course.scope else ""))
    for name in ("exercise", "assignment", "points", "file", "state"):
        grid.add_column(name)
    stubs = stub_digests(course)
    styles = {"passing": "green", "failing": "red", "edited": "yellow", "missing": "dim"}
    for ex in course.exercises.values():
        where = ", ".join(a.name + (f" (due {a.due})" if a.due else "")
                          for a in course.assignments_of(ex.slug))
        state = progress(course, ex, folder, stubs)
        style = styles.get(state.state, "")
        grid.add_row(ex.slug, where, f"{ex.points:g}", ", ".join(ex.files),
                     f"[{style}]{escape(str(state))}[/]" if style else escape(str(state)))
    out.print(grid)
    return 0


def cmd_check(course: Course, args: argparse.Namespace) -> int:
    from grader.progress import record_check

    if not args.slug and not course.scope:
        raise SubmissionError("name an exercise (grader check SLUG) or an assignment "
                              "(grader check --assignment NAME)")
    exercises = course.select([args.slug] if args.slug else None)
    folder = _working_copy(course, args.path)
    options = Options(hidden=False, seed=args.seed, sandbox=_use_sandbox(args))
    out = table.console()
    warning = versions.untested()
    if warning:
        out.print(f"[yellow]warning[/]: {escape(warning)}")
    failed = 0
    for exercise in exercises:
        result = grade_exercise(exercise, folder, options)
        record_check(exercise, folder, result)
        _print_check(exercise, result)
        failed += result.status is not Status.PASSED
    if len(exercises) > 1:
        out.print(f"{len(exercises) - failed} of {len(exercises)} exercises of "
                  f"{course.scope} pass their public tests")
    return 0 if not failed else 1


def _print_check(exercise: Exercise, result: ExerciseResult) -> None:
    out = table.console()
    out.print(f"[bold]{exercise.slug}[/]: {escape(exercise.title)}")
    if result.message:
        out.print(result.message, markup=False)
    from grader.reports import timeline
    from grader.reports.student import failed_tests

    explained = {t.name for t in failed_tests(result)}  # not when the file did not import
    for test in result.tests:
        ok = test.status is Status.PASSED
        mark = "[green]PASS[/]" if ok else f"[red]{test.status.upper()}[/]"
        out.print(f"  {mark} {escape(test.name)}")
        if test.name in explained and test.message:
            out.print("    " + test.message.replace("\n", "\n    "), markup=False)
        drawn = timeline.of(test.status, test.diagnosis) if test.name in explained else None
        if drawn is not None:
            out.print("    " + timeline.text(drawn, str(test.status)).replace("\n", "\n    "),
                      markup=False)
    passed = sum(t.status is Status.PASSED for t in result.tests)
    if result.status is not Status.PASSED:
        out.print(f"{passed} of {len(result.tests)} public tests passed. The hidden tests "
                  "check more: threads, timing, and wrong answers.")
        return
    pitfalls = exercise.pitfalls()
    out.print(f"All {len(result.tests)} public tests passed. That is a start, not the "
              "grade: the hidden tests check more, with more threads and forced thread "
              "switches, and they catch each pitfall of the README"
              + (": " + "; ".join(pitfalls) + "." if pitfalls else "."), markup=False)


def _grade_many(course: Course, submissions: list[Submission], slugs: list[str],
                options: Options, args: argparse.Namespace
                ) -> tuple[list[StudentResult], Stats]:
    from grader.batch import ClassGrading

    if args.jobs < 0:
        raise SubmissionError(f"--jobs {args.jobs}: give a positive number (0: two per core)")
    grading = ClassGrading(course, submissions, course.select(slugs), options,
                           Path(args.out), jobs=args.jobs, force=args.force,
                           formats=_formats(args.formats))
    return grading.run(), grading.stats


def _print_summary(results: list[StudentResult], slugs: list[str], stats: Stats) -> None:
    from grader.reports import summary

    out = table.console()
    if len(results) > 1:
        out.print(summary.exercises(results, slugs))
    out.print(f"{stats.runs} exercise-runs with {stats.jobs} jobs ({stats.exclusive} of them "
              f"with their cpu-sensitive tests run alone), {stats.skipped} runs skipped "
              f"(unchanged since the last grading), {stats.missing} missing; "
              f"{stats.failures} exercises not passed; {stats.seconds:.1f} s")


def _formats(text: str | None) -> tuple[str, ...]:
    """``--format`` as formats; a bad one is a one-line error (before any grading)."""
    from grader.reports import parse_formats

    try:
        return parse_formats(text)
    except ValueError as exc:
        raise SubmissionError(str(exc)) from None


def cmd_grade(course: Course, args: argparse.Namespace) -> int:
    source = Path(args.submissions)
    out_dir = Path(args.out)
    slugs = [ex.slug for ex in course.select(_slugs(args.only))]
    options = Options(hidden=not args.public_only, seed=args.seed,
                      sandbox=_use_sandbox(args))
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
    _formats(args.formats)  # a bad --format fails before any grading
    results, stats = _grade_many(course, submissions, slugs, options, args)
    _write_reports(course, args, results, slugs)
    _write_graded(out_dir, slugs, shard, results, course.scope)
    out = table.console()
    out.print(table.gradebook(results, slugs, out.width))
    _print_summary(results, slugs, stats)
    scope = (f"assignment {course.scope}" if course.scope else
             f"the whole course ({len(course.assignments)} assignments; --assignment NAME "
             "grades one)")
    out.print(f"Graded {len(results)} submission(s), {scope}, in "
              f"{time.monotonic() - start:.1f} s. Reports in {out_dir}: report.html, "
              f"gradebook.csv, junit.xml, <student>/results.json, feedback.md and "
              f"feedback.html (as --format asks)")
    if args.single:
        result = results[0]
        if result.score < result.max_score:
            out.print(table.tests(result))
            return 0 if args.exit_zero else 1
    return 0


def _write_graded(out: Path, slugs: list[str], shard: str | None,
                  results: list[StudentResult], assignment: str = "") -> None:
    from grader.shard import write_graded

    write_graded(out, slugs, shard, [r.student for r in results], assignment)


def cmd_merge(course: Course, args: argparse.Namespace) -> int:
    from grader.shard import merge

    results, slugs = merge([Path(f) for f in args.folders])
    out_dir = Path(args.out)
    hidden = [p for ex in course.select(slugs) for p in ex.hidden_tests]
    write_all(out_dir, results, slugs, hidden_files=hidden, groups=_groups(course))
    assignments = {r.assignment for r in results}
    _write_graded(out_dir, slugs, None, results, assignments.pop() if len(assignments) == 1
                  else "")
    out = table.console()
    out.print(table.gradebook(results, slugs, out.width))
    out.print(f"Merged {len(results)} submission(s) from {len(args.folders)} folder(s) into "
              f"{out_dir}")
    return 0


def cmd_validate(course: Course, args: argparse.Namespace) -> int:
    from grader.validate import ALTERNATIVE, validate

    try:
        from grader.workbook.lint import lint
    except ImportError as exc:
        raise SubmissionError(f"grader validate needs the instructor's tools ({exc.name} is "
                              "not installed): pip install 'concurrency-grader[instructor]' "
                              "in the course's checkout") from None

    out = table.console()
    problems = lint(course)
    for problem in problems:
        out.print(f"[red]workbook[/]: {escape(problem)}")
    if args.jobs < 0:
        raise SubmissionError(f"--jobs {args.jobs}: give a positive number (0: two per core)")
    start = time.monotonic()
    found = validate(course, _slugs(args.only), seed=args.seed, jobs=args.jobs,
                     cases=not args.no_cases)
    grid = table.Table(title="Course validation")
    for name in ("exercise", "tests", "solution", "stub (hidden)", "hidden tests on the "
                 "solution (s)", "tests' seconds", "verdict"):
        grid.add_column(name)
    for check in found.checks:
        grid.add_row(check.slug, str(check.tests),
                     f"{check.solution.score:g}/{check.solution.max_score:g}",
                     f"{check.stub.score:g}/{check.stub.max_score:g}",
                     f"{check.hidden_seconds:.2f}", f"{check.seconds:.1f}",
                     "[green]ok[/]" if check.ok else "[red]FAIL[/]")
    out.print(grid)
    wrong = [c for c in found.cases if c.case.kind != ALTERNATIVE]
    if wrong:
        grid = table.Table(title="Wrong answers: each must fail the tests its header names "
                           "and keep at most half the points")
        for name in ("wrong answer", "catches", "score", "status", "verdict"):
            grid.add_column(name)
        for check in sorted(wrong, key=lambda c: (-c.result.score / c.result.max_score,
                                                  c.case.label)):
            grid.add_row(escape(check.case.label), escape(check.case.catches),
                         f"{check.result.score:g}/{check.result.max_score:g}",
                         str(check.result.status),
                         "[red]FAIL[/]" if check.problems() else "[green]ok[/]")
        out.print(grid)
    alternatives = [c for c in found.cases if c.case.kind == ALTERNATIVE]
    if alternatives:
        passed = sum(not c.problems() for c in alternatives)
        out.print(f"Alternative solutions: {passed} of {len(alternatives)} pass.")
    for check in found.checks:
        for problem in check.problems():
            out.print(f"[red]{check.slug}[/]: {escape(problem)}")
    for case_check in found.cases:
        for problem in case_check.problems():
            out.print(f"[red]{escape(case_check.case.label)}[/]: {escape(problem)}")
    out.print(f"{sum(c.ok for c in found.checks)} of {len(found.checks)} exercises ok, "
              f"{sum(not c.problems() for c in found.cases)} of {len(found.cases)} wrong "
              f"answers and alternatives as they should be, in "
              f"{time.monotonic() - start:.0f} s")
    return 0 if found.ok and not problems else 1


COMMANDS = {"list": cmd_list, "check": cmd_check, "grade": cmd_grade, "merge": cmd_merge,
            "validate": cmd_validate, "release": cmd_release}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        course = load_course(find_course_root(args.course))
        if getattr(args, "assignment", None):
            course = course.narrow(args.assignment)
        return COMMANDS[args.command](course, args)
    except (CourseError, SubmissionError) as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("grader: interrupted", file=sys.stderr)
        return 130
