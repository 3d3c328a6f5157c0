"""Public tests for the offload exercise. Run them with `grader check offload`
(or `pytest` in this folder).

The tests write their own files and compare your digests with hashlib's. To see
whether the hashing ran on the event loop, a test measures the CPU time that the
loop's own thread used while digest_all ran: with the work in worker threads it
is a few milliseconds, far less than hashing one of its big files takes (which
the test measures first, on the same machine). Every call runs through
run_async, which also reports a loop step that takes longer than 0.1 s and a
coroutine never awaited.
"""

from __future__ import annotations

import hashlib
import inspect
import random
import time

import pytest
from offload import digest_all

from grader.runner.protocol import Diagnosis, Status
from grader.testing.aio import Diagnosed, run_async

MIB = 1 << 20
BIG = 60 * MIB  # bytes per big file


def write_files(folder, sizes):
    rng = random.Random(len(sizes))
    files = {}
    for i, size in enumerate(sizes):
        path = folder / f"file{i}.bin"
        data = rng.randbytes(size)
        path.write_bytes(data)
        files[str(path)] = hashlib.sha512(data).hexdigest()
    return files


def close_coroutines(result):
    """Close the coroutine objects a wrong answer returns (no warning later on)."""
    for value in result.values() if isinstance(result, dict) else ():
        if inspect.iscoroutine(value):
            value.close()


def check_digests(got, expected, what):
    assert isinstance(got, dict), f"{what} returned {got!r:.200}; expected a dict"
    for path, digest in expected.items():
        assert path in got, (
            f"{what}: no digest for {path}. Every path must be a key, as given. Was the "
            "coroutine for that file created and never awaited?")
        value = got[path]
        if inspect.isawaitable(value):
            close_coroutines(got)
            pytest.fail(
                f"{what}: the value for {path} is {value!r}, not a digest: a coroutine that "
                "was created and never awaited. Write `await asyncio.to_thread(...)`.",
                pytrace=False)
        assert value == digest, (
            f"{what}: wrong digest for {path}: {value!r:.80}; expected "
            "hashlib.sha512(<the file's bytes>).hexdigest()")
    assert len(got) == len(expected), f"{what}: unexpected keys {set(got) - set(expected)}"


@pytest.mark.lesson
def test_digests_match_hashlib(tmp_path):
    files = write_files(tmp_path, [0, 100_000, 5000])
    got = run_async(digest_all, list(files), workers=2, what="digest_all(3 files)")
    check_digests(got, files, "digest_all(3 files)")


def test_empty_list():
    got = run_async(digest_all, [], what="digest_all([])")
    assert got == {}, f"digest_all([]) returned {got!r}; expected {{}}"


def test_missing_file_raises(tmp_path):
    files = write_files(tmp_path, [1000])
    paths = [*files, str(tmp_path / "missing.bin")]
    try:
        got = run_async(digest_all, paths, what="digest_all with a missing file",
                        leftover_ok=True)
    except FileNotFoundError:
        return  # the error itself (asyncio.gather passes it on)
    except ExceptionGroup as group:  # or in an ExceptionGroup (asyncio.TaskGroup)
        assert group.subgroup(FileNotFoundError) is not None, (
            f"expected a FileNotFoundError, got {group!r}")
        return
    close_coroutines(got)
    pytest.fail(f"digest_all with a missing file returned {got!r:.200}; expected it to "
                "raise FileNotFoundError", pytrace=False)


async def digest_all_measured(paths):
    start = time.thread_time()  # this coroutine runs on the loop's thread
    result = await digest_all(paths, workers=2)
    return result, time.thread_time() - start


@pytest.mark.lesson
@pytest.mark.cpu_sensitive  # graded alone: other runs would slow the loop down
def test_hashing_runs_off_the_loop(tmp_path):
    expected, cpu = {}, []
    for i in range(2):
        tag = f"big file {i}".encode()
        path = tmp_path / f"big{i}.bin"
        with open(path, "wb") as f:  # the tag, then zeros: a sparse file, quick to make
            f.write(tag)
            f.truncate(BIG)
        data = tag + bytes(BIG - len(tag))
        start = time.thread_time()
        expected[str(path)] = hashlib.sha512(data).hexdigest()
        cpu.append(time.thread_time() - start)
        del data
    what = "digest_all(2 files of 60 MiB)"
    got, loop_cpu = run_async(digest_all_measured, list(expected), what=what)
    check_digests(got, expected, what)
    if loop_cpu > 0.5 * min(cpu):
        raise Diagnosed(Diagnosis(
            Status.BLOCKED_LOOP,
            f"{what}: the event loop's own thread used {loop_cpu:.2f} s of CPU, and hashing "
            f"one of these files takes {min(cpu):.2f} s here: the hashing ran on the loop, "
            "and no other coroutine could run meanwhile.",
            advice="Run the whole work for one file (open, read, hash) in a worker thread: "
            "`await asyncio.to_thread(file_digest, path)`."))
