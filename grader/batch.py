"""Grading a class at the speed of the machine.

Every (student, exercise) run is a task for a pool of worker processes (two
per core by default). Each worker is a subreaper; unsandboxed, it keeps its
own warm server (:class:`grader.runner.launch.Warm`), handed to every run it
grades, so a run costs a fork, not an interpreter start.
The ``cpu_sensitive`` tests of an exercise run alone, after the others,
with nothing else running beside them; the exercise's other tests run in the
pool like any run, and the two parts make one result (:func:`grade.combine`).
Results are cached by content (:mod:`grader.cache`), each stored the moment
its run finishes, and each student's files (:func:`grader.reports.write_student`)
are written as soon as the student is complete, and again once every run has
ended (what unsandboxed student code may have written over them is replaced).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import shutil
import signal
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from grader import grade
from grader.cache import CACHE_DIR, ResultCache, exercise_key, run_key
from grader.course import Course, Exercise
from grader.discover import Submission, SubmissionError, assignment_folder, temp_folder, unpack
from grader.grade import Options, combine, expected_tests, grade_found
from grader.model import ExerciseResult, Status, StudentResult
from grader.notebook import Found, exercise_files
from grader.reports import DEFAULT_FORMATS, student_folder, table, write_student
from grader.reports.atomic import safe_name
from grader.reports.student import Redactor
from grader.runner.launch import Launcher, Warm
from grader.runner.protocol import CollectedTest


def default_jobs() -> int:
    """Two runs per core this process may use: a run spends most of its time
    waiting (deadlines of hung code, sleeps, child processes), so one per core
    leaves the cores mostly idle (measured: bench/class_bench.py)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return 2 * cores


@dataclass
class Stats:
    """What a grading did, for the summary."""

    runs: int = 0  # exercise-runs actually run
    skipped: int = 0  # unchanged since the last grading: taken from the cache
    missing: int = 0  # no file to run
    exclusive: int = 0  # exercise-runs whose cpu_sensitive tests had the machine alone
    failures: int = 0  # exercises not passed
    seconds: float = 0.0
    jobs: int = 1


@dataclass
class _Task:
    student: str
    exercise: Exercise
    found: Found  # the exercise's files: from the submission, or from its notebook
    key: str
    only: frozenset[str] | None = None  # a part of the exercise's tests (node ids)
    alone: bool = False  # nothing else runs beside it

    @property
    def pair(self) -> tuple[str, str]:
        return self.student, self.exercise.slug


# -- the worker side ------------------------------------------------------------
_PR_SET_PDEATHSIG = 1
REFRESH = 0.5  # seconds between redraws of the progress bar while runs go on
_busy = False  # this worker is grading a run
_stopping = False  # this worker was told to stop
_launcher: Launcher | None = None  # this worker's warm server (None: sandboxed runs start cold)


def _on_sigterm(signum: int, frame: object) -> None:
    """The grading was interrupted: end the run in progress (the runner kills
    its whole process tree), then leave; leave at once when idle. Later
    SIGTERMs (the pool's own clean-up sends some) must not interrupt that."""
    global _stopping
    if _stopping:
        return
    _stopping = True
    if _busy:
        raise KeyboardInterrupt
    _leave()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _leave() -> None:
    _close_launcher()
    os._exit(0)


def _close_launcher() -> None:
    if isinstance(_launcher, Warm):
        _launcher.close()


@contextmanager
def _working() -> Iterator[None]:
    global _busy
    _busy = True
    try:
        yield
    finally:
        _busy = False
        if _stopping:  # the run was stopped and its processes killed
            _leave()


def _init_worker(sandboxed: bool) -> None:
    """A worker slot: adopt the runs' orphans, and keep a warm server unless
    runs are sandboxed. Ctrl-C is the main process's to handle: it stops the
    workers with SIGTERM."""
    global _launcher
    from multiprocessing import util

    from grader.runner import procs

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:  # the grader killed outright (SIGKILL): its workers stop their runs too
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    procs.become_subreaper()
    _launcher = None if sandboxed else Warm()
    util.Finalize(None, _close_launcher, exitpriority=10)


def _collect(exercise: Exercise, hidden: bool) -> list[CollectedTest]:
    with _working():
        return expected_tests(exercise, hidden, _launcher)


def _grade(exercise: Exercise, found: Found, options: Options,
           expected: list[CollectedTest], only: frozenset[str] | None) -> ExerciseResult:
    grade._expected_cache[(exercise.slug, options.hidden)] = expected
    with _working():
        return grade_found(exercise, found, options, only, _launcher)


# -- the grading ----------------------------------------------------------------
class ClassGrading:
    """One grading of a class into ``out``."""

    def __init__(self, course: Course, submissions: list[Submission], exercises: list[Exercise],
                 options: Options, out: Path, jobs: int = 0, force: bool = False,
                 formats: Iterable[str] = DEFAULT_FORMATS) -> None:
        self.course = course
        self.formats = tuple(formats)
        # what students read never holds a line of a graded exercise's hidden tests
        self.redact = Redactor([p for ex in exercises for p in ex.hidden_tests])
        self.submissions = submissions
        self.exercises = exercises
        self.options = options
        self.out = out
        self.jobs = jobs or default_jobs()
        self.force = force
        self.cache = ResultCache(out / CACHE_DIR)
        self.stats = Stats(jobs=self.jobs)
        self.results = {s.student: StudentResult(student=s.student, assignment=course.scope)
                        for s in submissions}
        self.left = {s.student: len(self._exercises_of(s)) for s in submissions}
        self.running: dict[Future[ExerciseResult], _Task] = {}
        self.parts = {ex.slug: exercise_key(course, ex, options) for ex in exercises}
        self._pool: ProcessPoolExecutor | None = None
        self.parts_done: dict[tuple[str, str], list[ExerciseResult]] = {}  # split exercises
        # ("start"|"end", student, slug, alone) of every run, for the tests
        self.log: list[tuple[str, str, str, bool]] = []

    def run(self) -> list[StudentResult]:
        from grader.runner import procs

        start = time.monotonic()
        procs.become_subreaper()  # what outlives a worker comes to us, not to init
        baseline = procs.own_children()
        scratch = temp_folder()
        self.out.mkdir(parents=True, exist_ok=True)
        terminate = signal.signal(signal.SIGTERM, _interrupt)  # a cancelled job: as Ctrl-C
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("[red]{task.fields[failures]} failed[/]"), TimeElapsedColumn(),
                   TextColumn("{task.fields[now]}"))
        try:
            with Progress(*columns, console=table.console(stderr=True), transient=True,
                          auto_refresh=False) as bar:
                self.bar = bar
                self.task = bar.add_task("grading", failures=0, now="collecting tests",
                                         total=sum(self.left.values()))
                expected = self._collect_all()
                normal, alone = self._plan(scratch, expected)
                self._run_tasks(normal, expected, self.jobs)
                self._run_tasks(alone, expected, 1)  # nothing else runs beside them
        except KeyboardInterrupt:
            self._stop_workers()  # what finished is in the cache already
            raise
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
            procs.reap_adopted(baseline)  # e.g. a sandbox's helpers that ended after a worker
            shutil.rmtree(scratch, ignore_errors=True)
            signal.signal(signal.SIGTERM, terminate)
        results = [self.results[s.student] for s in self.submissions]
        for result in results:
            # Once more now that no run is left: unsandboxed student code could write
            # anywhere this user can, the files written as each student was complete too.
            self._write(result)
        self.stats.seconds = time.monotonic() - start
        return results

    def _write(self, student: StudentResult) -> None:
        write_student(student_folder(self.out, student), student, self.redact, self.formats)

    def _stop_workers(self) -> None:
        if self._pool is not None:
            for process in list(self._pool._processes.values()):  # type: ignore[union-attr]
                if process.is_alive():
                    process.terminate()

    @property
    def pool(self) -> ProcessPoolExecutor:
        """The worker processes, forked when the first task is submitted (all
        of them at once, before the pool starts its own thread; this process
        runs no other thread: the progress bar is refreshed by hand)."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context("fork"),
                initializer=_init_worker, initargs=(self.options.sandbox,))
        return self._pool

    def _collect_all(self) -> dict[str, list[CollectedTest]]:
        """Every exercise's expected tests: from the cache, else collected in parallel."""
        expected: dict[str, list[CollectedTest]] = {}
        futures = {}
        for ex in self.exercises:
            cached = None if self.force else self.cache.get_collected(self.parts[ex.slug])
            if cached:
                expected[ex.slug] = cached
            else:
                futures[ex.slug] = self.pool.submit(_collect, ex, self.options.hidden)
        for slug, future in futures.items():
            expected[slug] = future.result()
            self.cache.put_collected(self.parts[slug], expected[slug])
        for slug, tests in expected.items():  # grade_exercise in this process needs them too
            grade._expected_cache[(slug, self.options.hidden)] = tests
        return expected

    def _plan(self, scratch: Path, expected: dict[str, list[CollectedTest]]
              ) -> tuple[list[_Task], list[_Task]]:
        """Cached and missing results now; the runs to do, in two lists: the
        ones that may share the machine, and the ones that must not. An
        exercise with cpu_sensitive tests among others runs in two parts."""
        parts = self.parts
        normal: list[_Task] = []
        alone: list[_Task] = []
        for submission in self.submissions:
            folder: Path | None
            into = scratch / safe_name(submission.student)
            notes: list[str] = []  # members of a zip that were not extracted
            try:
                folder = assignment_folder(unpack(submission, into, notes), self.course.scope)
                self.results[submission.student].message = "\n".join(notes)
            except SubmissionError as exc:
                folder, self.results[submission.student].message = None, str(exc)
            for ex in self._exercises_of(submission):
                # notebook cells are written out here, so they are keyed, cached and
                # run in the pool like any .py file
                found = exercise_files(ex, folder, into / ex.slug)
                files: dict[str, Path | None] = {n: found.files.get(n) for n in ex.files}
                task = _Task(submission.student, ex, found,
                             run_key(parts[ex.slug], files, found.notes))
                cached = None if self.force else self.cache.get(task.key, ex.slug)
                if cached is not None and [t.name for t in cached.tests] != [
                        t.nodeid for t in expected[ex.slug]]:
                    cached = None  # not a result of these tests: grade again
                if cached is not None:
                    self.stats.skipped += 1
                    self._finish(task, cached)
                elif found.missing:
                    self.stats.missing += 1
                    self._finish(task, grade_found(ex, found, self.options))
                else:
                    sensitive = frozenset(t.nodeid for t in expected[ex.slug] if t.cpu_sensitive)
                    others = frozenset(t.nodeid for t in expected[ex.slug]) - sensitive
                    if others and sensitive:
                        normal.append(replace(task, only=others))
                        self.parts_done[task.pair] = []
                    if sensitive:
                        alone.append(replace(task, only=sensitive if others else None,
                                             alone=True))
                    else:
                        normal.append(task)
        return normal, alone

    def _exercises_of(self, submission: Submission) -> list[Exercise]:
        """The exercises graded for ``submission``."""
        wanted = submission.exercises
        return [ex for ex in self.exercises if wanted is None or ex.slug in wanted]

    def _run_tasks(self, tasks: list[_Task],
                   expected: dict[str, list[CollectedTest]], width: int) -> None:
        todo = list(reversed(tasks))
        while todo or self.running:
            while todo and len(self.running) < width:
                task = todo.pop()
                future = self.pool.submit(_grade, task.exercise, task.found, self.options,
                                          expected[task.exercise.slug], task.only)
                self.running[future] = task
                self.log.append(("start", *task.pair, task.alone))
                self._show()
            done, _ = wait(self.running, timeout=REFRESH, return_when=FIRST_COMPLETED)
            for future in done:
                task = self.running.pop(future)
                result = future.result()
                self.log.append(("end", *task.pair, task.alone))
                self.stats.exclusive += task.alone
                parts = self.parts_done.get(task.pair)
                if parts is not None:
                    parts.append(result)
                    if len(parts) < 2:
                        continue
                    result = combine(parts, expected[task.exercise.slug])
                self.stats.runs += 1
                self.cache.put(task.key, result)
                self._finish(task, result)
            self._show()

    def _show(self) -> None:
        now = sorted({f"{t.student}: {t.exercise.slug}{' (alone)' if t.alone else ''}"
                      for t in self.running.values()})
        self.bar.update(self.task, now=", ".join(now[:3]) + (" ..." if len(now) > 3 else ""))
        self.bar.refresh()

    def _finish(self, task: _Task, result: ExerciseResult) -> None:
        """Record one exercise's result; write the student's files once complete."""
        student = self.results[task.student]
        student.exercises[task.exercise.slug] = result
        if result.status is not Status.PASSED:
            self.stats.failures += 1
        self.bar.update(self.task, advance=1, failures=self.stats.failures)
        self.bar.refresh()
        self.left[task.student] -= 1
        if self.left[task.student] == 0:
            order = [ex.slug for ex in self.exercises if ex.slug in student.exercises]
            student.exercises = {s: student.exercises[s] for s in order}
            self._write(student)  # now: an interrupted grading keeps it
