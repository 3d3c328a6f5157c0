"""Hidden tests for the offload exercise (digest_all: SHA-512 of files in worker
threads, at most `workers` at a time, the event loop left free).

Every call goes through run_async, which watches the loop: a step that holds it
for more than 0.1 s is a `blocked-loop`, a coroutine never awaited is a
`never-awaited`. The loop's default executor is a pool whose threads have all
started before the call (asyncio.to_thread otherwise starts a thread inside a
step of the loop, and on a busy machine that start alone can take over 0.1 s).
Besides, the tests find each mistake by structure:

- Hashing on the loop: the files are big (60 MiB each, under the course's file
  size limit of 64 MiB; sparse: a tag, then zeros, so making them writes nothing
  to disk, and zeros cost as much to hash as any bytes), and the test measures
  the CPU time of the loop's own thread while digest_all runs (time.thread_time()
  read on that thread). Hashing in worker threads leaves it a few milliseconds;
  hashing even one file on the loop costs that file's hashing time, which the
  test measures on its own thread beforehand. CPU time, compared with the same
  machine's hashing speed: neither a busy nor a fast machine changes the verdict.
  (The watch's `blocked-loop`, a step over 0.1 s of wall-clock time, usually
  comes first; this check is the one that does not depend on the machine.)
- A coroutine never awaited: its digest is missing, or the dict holds the
  coroutine object itself (closed by the test, which reports it as never-awaited).
- No bound on the files at once: every job that the student's code hands to a
  thread pool from the loop's thread (asyncio.to_thread, loop.run_in_executor,
  a ThreadPoolExecutor of its own: ThreadPoolExecutor.submit is patched with
  monkeypatch) is held at its start until the test lets it go. The test lets one
  go only when nothing else can start: the loop has no ready callback (it is
  checked from a task of the test on the loop) and every job submitted to a pool
  has started, up to the pool's size. So everything a call hands out at once is
  in flight at once, held, before any of it ends: the peak is counted by the
  order of events, every run. Process pools (ProcessPoolExecutor.submit) are
  counted as in flight from submit to done, up to the pool's size.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
import random
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

import pytest
from offload import digest_all

from grader.runner.protocol import Diagnosis, Status
from grader.testing.aio import Diagnosed, run_async

MIB = 1 << 20
BIG = 60 * MIB       # bytes per big file (under the course's 64 MiB file size limit)
LOOP_SHARE = 0.5     # the loop's thread may use at most this share of the CPU
                     # time that hashing one big file takes (a correct answer: ~0.02)
POLL = 0.002         # seconds between the test's looks at the held jobs
FALLBACK = 2.0       # seconds: let a held job go anyway if the loop never settles
HOLD_LIMIT = 10.0    # seconds a job is held at most (the test lets it go long before)


def write_files(folder, sizes, prefix="file"):
    """Files of the given sizes (random bytes) in folder: {path string: bytes}."""
    rng = random.Random(f"{prefix}{sizes}")
    files = {}
    for i, size in enumerate(sizes):
        path = folder / f"{prefix}{i}.bin"
        data = rng.randbytes(size)
        path.write_bytes(data)
        files[str(path)] = data
    return files


def write_big_file(path, tag):
    """A file of BIG bytes: ``tag``, then zeros (a sparse file: no disk writes).
    Returns its digest and the CPU seconds this thread took to compute it."""
    with open(path, "wb") as f:
        f.write(tag)
        f.truncate(BIG)
    start = time.thread_time()
    h, zeros, left = hashlib.sha512(tag), memoryview(bytes(MIB)), BIG - len(tag)
    while left:
        h.update(zeros[:min(left, MIB)])
        left -= min(left, MIB)
    return h.hexdigest(), time.thread_time() - start


def write_big_files(folder, count):
    """``count`` files of BIG bytes; returns ({path: digest}, the CPU seconds this
    thread took to hash the cheapest of them)."""
    digests, cpu = {}, []
    for i in range(count):
        path = folder / f"big{i}.bin"
        digests[str(path)], seconds = write_big_file(path, f"big file {i}".encode())
        cpu.append(seconds)
    return digests, min(cpu)


def sha512(data):
    return hashlib.sha512(data).hexdigest()


def close_coroutines(result):
    """Close the coroutine objects a wrong answer returns: no warning about them
    when they are collected, later, during another test."""
    for value in result.values() if isinstance(result, dict) else ():
        if inspect.iscoroutine(value):
            value.close()


def check_digests(got, expected, what):
    """``got`` must be {path: digest} for exactly the paths of ``expected``
    ({path: digest}). A coroutine in place of a digest is reported as never
    awaited (after closing it)."""
    assert isinstance(got, dict), (
        f"{what} returned {type(got).__name__} {got!r:.200}; expected a dict "
        "{path: hex digest}.")
    unawaited = [key for key, value in got.items() if inspect.isawaitable(value)]
    if unawaited:
        close_coroutines(got)
        raise Diagnosed(Diagnosis(
            Status.NEVER_AWAITED,
            f"{what} returned a coroutine (or future) object instead of a digest for "
            f"{unawaited[0]!r}: it was created and never awaited, so that file was never "
            "hashed. Calling `asyncio.to_thread(...)` (or any coroutine function) only "
            "creates a coroutine; nothing runs until it is awaited.",
            advice="Write `digest = await asyncio.to_thread(file_digest, path)`: the "
            "`await` runs it and gives you its return value.",
        ))
    bad_keys = [key for key in got if type(key) is not str]
    assert not bad_keys, (
        f"{what}: the keys must be the path strings as given; got the key {bad_keys[0]!r} "
        f"({type(bad_keys[0]).__name__}). Use each item of `paths` itself as its key.")
    missing = [path for path in expected if path not in got]
    assert not missing, (
        f"{what}: no digest for {missing}. Every file must be in the result. If you "
        "made a coroutine for each file, was one never awaited? (Grouping them in "
        "batches with zip(*[iter(coros)] * workers) drops an incomplete last batch.) "
        "The keys must be the path strings exactly as given, not normalised or resolved.")
    extra = [key for key in got if key not in expected]
    assert not extra, f"{what}: unexpected keys {extra}; only the given paths are keys."
    for path, digest in expected.items():
        value = got[path]
        assert type(value) is str and value == digest, (
            f"{what}: wrong digest for {path}: got {value!r:.80}, expected "
            f"hashlib.sha512(<the file's bytes>).hexdigest() = {digest[:16]}... "
            "(a str of 128 hex digits).")


# -- runs -----------------------------------------------------------------------

async def digest_all_measured(paths, workers):
    """digest_all(paths, workers), and the CPU seconds the loop's thread used meanwhile."""
    start = time.thread_time()
    result = await digest_all(paths, workers=workers)
    return result, time.thread_time() - start


def check_off_the_loop(loop_cpu, one_file_cpu, what):
    if loop_cpu <= LOOP_SHARE * one_file_cpu:
        return
    raise Diagnosed(Diagnosis(
        Status.BLOCKED_LOOP,
        f"{what}: the event loop's own thread used {loop_cpu:.2f} s of CPU while "
        f"digest_all ran, and hashing one of these files takes {one_file_cpu:.2f} s on "
        "this machine: so the hashing (or reading) ran on the loop's thread, and all that "
        "time was taken from every other coroutine (in one long step, or in many short "
        "ones). Worker threads would have left the loop a few milliseconds of work.",
        advice="Put all the work for one file (open, read, hash) in a plain function and "
        "run it in a worker thread: `await asyncio.to_thread(file_digest, path)`. "
        "hashlib called in the coroutine runs on the loop, even in small chunks with awaits "
        "in between, and so does hashing the bytes that a thread has read for you.",
    ))


# -- holding the jobs handed to thread pools ---------------------------------------

class Job:
    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        self.go = threading.Event()


class HeldJobs:
    """The jobs that the student's code hands to thread pools from the loop's
    thread, each held at its start until the test lets it go (see the module
    docstring). ``peak``: the most in flight at once; ``total``: jobs handed out."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loop_thread: int | None = None  # None: not watching, jobs pass through
        self.pending: dict[Executor, int] = {}  # thread pool -> its jobs not done
        self.started: list[Job] = []  # held or running
        self.processes: dict[Executor, int] = {}  # process pool -> its jobs not done
        self.peak = 0
        self.total = 0
        self.opened = False

    def _in_flight(self) -> int:
        in_processes = sum(min(n, getattr(pool, "_max_workers", n))
                           for pool, n in self.processes.items())
        return len(self.started) + in_processes

    def _done(self, table: dict[Executor, int], executor: Executor) -> None:
        with self.lock:
            table[executor] -= 1

    def submit_thread(self, executor, original, fn, args, kwargs):
        with self.lock:
            self.pending[executor] = self.pending.get(executor, 0) + 1
        try:
            future = original(executor, self._held(executor, fn), *args, **kwargs)
        except BaseException:
            self._done(self.pending, executor)
            raise
        future.add_done_callback(lambda _f: self._done(self.pending, executor))
        return future

    def submit_process(self, executor, original, fn, args, kwargs):
        with self.lock:
            self.processes[executor] = self.processes.get(executor, 0) + 1
            self.total += 1
            self.peak = max(self.peak, self._in_flight())
        try:
            future = original(executor, fn, *args, **kwargs)
        except BaseException:
            self._done(self.processes, executor)
            raise
        future.add_done_callback(lambda _f: self._done(self.processes, executor))
        return future

    def _held(self, executor, fn):
        def held_job(*args, **kwargs):
            job = Job(executor)
            with self.lock:
                if self.opened:
                    job.go.set()
                self.started.append(job)
                self.total += 1
                self.peak = max(self.peak, self._in_flight())
            try:
                job.go.wait(HOLD_LIMIT)
                return fn(*args, **kwargs)
            finally:
                with self.lock:
                    self.started.remove(job)

        return held_job

    def held(self) -> list[Job]:
        with self.lock:
            return [job for job in self.started if not job.go.is_set()]

    def settled(self) -> bool:
        """Every job submitted to a thread pool has started, up to the pool's size."""
        with self.lock:
            for executor, n in self.pending.items():
                room = min(n, getattr(executor, "_max_workers", n))
                if sum(job.executor is executor for job in self.started) < room:
                    return False
            return True

    def let_one_go(self) -> None:
        held = self.held()
        if held:
            held[0].go.set()

    def open_all(self) -> None:
        with self.lock:
            self.opened = True
            self.loop_thread = None
            for job in self.started:
                job.go.set()


@pytest.fixture
def held_jobs(monkeypatch):
    jobs = HeldJobs()
    thread_submit = ThreadPoolExecutor.submit
    process_submit = ProcessPoolExecutor.submit

    def submit_thread(self, fn, /, *args, **kwargs):
        if threading.get_ident() != jobs.loop_thread:
            return thread_submit(self, fn, *args, **kwargs)
        return jobs.submit_thread(self, thread_submit, fn, args, kwargs)

    def submit_process(self, fn, /, *args, **kwargs):
        if threading.get_ident() != jobs.loop_thread:
            return process_submit(self, fn, *args, **kwargs)
        return jobs.submit_process(self, process_submit, fn, args, kwargs)

    monkeypatch.setattr(ThreadPoolExecutor, "submit", submit_thread)
    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit_process)
    try:
        yield jobs
    finally:
        jobs.open_all()


async def let_jobs_go(jobs: HeldJobs) -> None:
    """A task of the test: let one held job go whenever nothing else can start."""
    loop = asyncio.get_running_loop()
    since = time.monotonic()
    while True:
        await asyncio.sleep(POLL)
        if not jobs.held():
            since = time.monotonic()
            continue
        loop_idle = not getattr(loop, "_ready", ())  # no callback of anyone is ready
        if (loop_idle and jobs.settled()) or time.monotonic() - since > FALLBACK:
            jobs.let_one_go()
            since = time.monotonic()


async def digest_all_held(jobs: HeldJobs, paths, workers):
    jobs.loop_thread = threading.get_ident()
    releaser = asyncio.create_task(let_jobs_go(jobs))
    try:
        if workers is None:
            return await digest_all(paths)
        return await digest_all(paths, workers=workers)
    finally:
        jobs.open_all()
        releaser.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await releaser


# -- normal behaviour -----------------------------------------------------------------

def test_digests_and_keys(tmp_path, monkeypatch):
    files = write_files(tmp_path, [0, 1, 4095, MIB + 7, 300_000])
    expected = {path: sha512(data) for path, data in files.items()}
    # a path as given, with a "." in it: the key stays that string
    odd = f"{tmp_path}/./file1.bin"
    expected[odd] = sha512(files[str(tmp_path / "file1.bin")])
    # and a relative one
    monkeypatch.chdir(tmp_path)
    expected["file3.bin"] = sha512(files[str(tmp_path / "file3.bin")])
    what = "digest_all(7 paths, workers=2)"
    got = run_async(digest_all, list(expected), workers=2, what=what)
    check_digests(got, expected, what)


def test_empty_list_gives_empty_dict():
    got = run_async(digest_all, [], workers=2, what="digest_all([])")
    assert isinstance(got, dict) and got == {}, f"digest_all([]) returned {got!r}; expected {{}}"


def test_same_path_twice(tmp_path):
    files = write_files(tmp_path, [1000, 2000])
    a, b = files
    got = run_async(digest_all, [a, b, a], workers=2, what="digest_all([a, b, a])")
    check_digests(got, {a: sha512(files[a]), b: sha512(files[b])}, "digest_all([a, b, a])")


def test_missing_file_raises_file_not_found(tmp_path):
    files = write_files(tmp_path, [1000, 2000])
    a, b = files
    missing = str(tmp_path / "no-such-file.bin")
    what = "digest_all([a, <missing>, b])"
    try:
        got = run_async(digest_all, [a, missing, b], workers=2, what=what, leftover_ok=True)
    except FileNotFoundError:
        return
    except ExceptionGroup as group:
        rest = group.split(FileNotFoundError)[1]
        assert group.subgroup(FileNotFoundError) is not None and rest is None, (
            f"{what} raised {group!r}; expected a FileNotFoundError (by itself, or the "
            "only kind of error in an ExceptionGroup).")
        return
    close_coroutines(got)
    pytest.fail(f"{what} returned {got!r:.200} instead of raising FileNotFoundError. "
                "A missing file is an error for the caller: let the FileNotFoundError of "
                "open() propagate (do not catch it and carry on).", pytrace=False)


# -- the loop stays free -----------------------------------------------------------------

@pytest.mark.lesson
@pytest.mark.cpu_sensitive
def test_big_files_are_hashed_off_the_loop(tmp_path):
    expected, one_file_cpu = write_big_files(tmp_path, 2)
    what = "digest_all(2 files of 60 MiB, workers=2)"
    got, loop_cpu = run_async(digest_all_measured, list(expected), 2, what=what)
    check_digests(got, expected, what)
    check_off_the_loop(loop_cpu, one_file_cpu, what)


# -- every coroutine awaited -----------------------------------------------------------

@pytest.mark.lesson
def test_every_file_is_digested(tmp_path):
    files = write_files(tmp_path, [5000, 6000, 7000, 8000, 9000], prefix="odd")
    expected = {path: sha512(data) for path, data in files.items()}
    what = "digest_all(5 files, workers=2)"
    got = run_async(digest_all, list(files), workers=2, what=what)
    check_digests(got, expected, what)


# -- at most `workers` at once -------------------------------------------------------------

@pytest.mark.lesson
def test_at_most_workers_files_at_once(tmp_path, held_jobs):
    files = write_files(tmp_path, [1000 + i for i in range(6)])
    what = "digest_all(6 files, workers=2)"
    got = run_async(digest_all_held, held_jobs, list(files), 2, what=what)
    check_digests(got, {p: sha512(d) for p, d in files.items()}, what)
    assert held_jobs.peak <= 2, (
        f"{what}: {held_jobs.peak} files were being hashed in worker threads at once; "
        "at most `workers` (2) may be. asyncio.to_thread() and run_in_executor() start "
        "their job right away, and a thread pool of the default size has room for at "
        "least 5, so handing out every file at once ignores `workers`. Make ONE "
        "asyncio.Semaphore(workers) for the whole call and hold a slot around each "
        "`await asyncio.to_thread(...)` (a new Semaphore made for each file limits "
        "nothing), or use a ThreadPoolExecutor(max_workers=workers) of your own.")


def check_uses_workers(jobs, workers, what):
    assert jobs.total > 0, (
        f"{what}: no file was handed to a worker thread (or process): the digests were "
        "computed on the event loop's thread. Use `await asyncio.to_thread(file_digest, path)`.")
    assert jobs.peak >= workers, (
        f"{what}: at most {jobs.peak} file(s) were hashed at once, never {workers}: each "
        "file waited for the one before it. Start a task for every file "
        "(asyncio.TaskGroup or asyncio.gather) and let the semaphore hold back all but "
        f"{workers}.")
    assert jobs.peak <= workers, (
        f"{what}: {jobs.peak} files were being hashed at once; at most {workers} may be.")


def test_runs_workers_files_at_once(tmp_path, held_jobs):
    files = write_files(tmp_path, [2000 + i for i in range(7)])
    what = "digest_all(7 files, workers=3)"
    got = run_async(digest_all_held, held_jobs, list(files), 3, what=what)
    check_digests(got, {p: sha512(d) for p, d in files.items()}, what)
    check_uses_workers(held_jobs, 3, what)


def test_default_is_two_files_at_once(tmp_path, held_jobs):
    files = write_files(tmp_path, [3000 + i for i in range(5)])
    what = "digest_all(5 files) (workers left at its default, 2)"
    got = run_async(digest_all_held, held_jobs, list(files), None, what=what)
    check_digests(got, {p: sha512(d) for p, d in files.items()}, what)
    check_uses_workers(held_jobs, 2, what)
