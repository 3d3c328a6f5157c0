"""Hidden tests for the pool exercise.

Parallelism is checked by structure, never by speed: the tasks are
``grader.testing.tasks.timed_digest`` (an importable function, so it pickles under
every start method), which reports the worker's pid and when it ran. A real
process pool runs them in >= 2 child processes with overlapping intervals;
``.get()`` right after each ``apply_async`` never overlaps; a ``ThreadPool``
runs them in the test's own process.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.pool as mp_pool
import os
import pickle
import random

import pool
import pytest

from grader.testing import call_with_deadline, wait_until
from grader.testing.tasks import Ran, max_overlap, timed_digest

DEADLINE = 20.0  # seconds for one digest_tree call: generous, so only a hang trips it
START_METHODS = ["fork", "spawn", "forkserver"]
TIMED_FILES = 8  # tasks of 0.15 s each: serial takes >= 1.2 s, two workers overlap

pytestmark = pytest.mark.timeout_s(60)


def sha512(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


def write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def make_tree(root) -> dict[str, bytes]:
    """Files at several depths, an empty file, a big file (many chunks, size not
    a multiple of any power of two) and an empty folder. Returns {path: content}."""
    rng = random.Random(20090311)
    root = str(root)
    contents = {
        os.path.join(root, "top.txt"): b"top level\n",
        os.path.join(root, "empty.dat"): b"",
        os.path.join(root, "big.bin"): rng.randbytes(3 * 1024 * 1024 + 12345),
        os.path.join(root, "a", "one.txt"): b"one\n",
        os.path.join(root, "a", "b", "two.txt"): b"two\n" * 1000,
        os.path.join(root, "a", "b", "c", "three.txt"): b"three\n",
        os.path.join(root, "a", "b", "c", "empty-too"): b"",
    }
    for path, data in contents.items():
        write(path, data)
    os.makedirs(os.path.join(root, "a", "no-files-here"))
    return contents


def is_pickling_error(exc: BaseException) -> bool:
    return isinstance(exc, pickle.PicklingError) or "pickle" in str(exc).lower()


def run_digest_tree(topdir: str, **kwargs):
    """Call the student's digest_tree under a deadline; explain pickling errors."""
    try:
        return call_with_deadline(pool.digest_tree, topdir, deadline=DEADLINE,
                                  what=f"digest_tree({topdir!r})", **kwargs)
    except Exception as exc:
        if is_pickling_error(exc):
            pytest.fail(
                f"digest_tree raised {type(exc).__name__}: {exc}\n"
                "A Pool sends the function (and an initializer) to its worker processes by "
                "pickling it, and pickle stores a function by its module and name: a lambda or "
                "a function defined inside digest_tree (a closure) cannot be pickled. Under the "
                "'spawn' and 'forkserver' start methods even the worker processes themselves are "
                "pickled. Pass `func` itself to the pool (pool.map(func, paths)): it is a "
                "top-level function, importable by name.",
                pytrace=False,
            )
        raise


def normalised(result) -> dict:
    assert isinstance(result, dict), f"digest_tree should return a dict, got {type(result)}"
    return {os.fspath(k): v for k, v in result.items()}


# ---------------------------------------------------------------- compute_digest

def test_compute_digest_empty_file(tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    assert pool.compute_digest(str(path)) == sha512(b""), (
        "the digest of an empty file is hashlib.sha512(b'').hexdigest(): "
        "stop reading when f.read(CHUNK) returns b'' and still return the hex digest"
    )


def test_compute_digest_big_file(tmp_path):
    data = random.Random(7).randbytes(5 * 1024 * 1024 + 321)  # many chunks, a partial last one
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    got = pool.compute_digest(str(path))
    assert got == sha512(data), (
        "wrong digest for a 5 MB file: update one hashlib.sha512() object with every "
        "chunk in order (the last chunk is shorter), then return .hexdigest()"
    )


# ---------------------------------------------------------------- digest_tree

@pytest.mark.lesson
@pytest.mark.parametrize("start_method", START_METHODS, indirect=True)
def test_digest_tree_under_start_method(tmp_path, start_method):
    tree = make_tree(tmp_path)
    got = normalised(run_digest_tree(str(tmp_path)))
    missing = sorted(set(tree) - set(got))
    extra = sorted(set(got) - set(tree))
    assert not missing and not extra, (
        f"with the {start_method!r} start method: the keys should be the paths of every file "
        f"under topdir, subfolders and empty files included, and nothing else.\n"
        f"missing: {missing}\nnot expected: {extra}"
    )
    wrong = [path for path, data in tree.items() if got[path] != sha512(data)]
    assert not wrong, f"with the {start_method!r} start method: wrong digests for {wrong}"


def test_digest_tree_empty_folder(tmp_path):
    assert normalised(run_digest_tree(str(tmp_path))) == {}, (
        "a folder without files should give an empty dict"
    )


@pytest.mark.lesson
def test_digest_tree_uses_func(tmp_path):
    tree = make_tree(tmp_path)
    got = normalised(run_digest_tree(str(tmp_path), workers=2, func=timed_digest))
    assert set(got) == set(tree), "digest_tree(..., func=f) should still map every file"
    for path, data in tree.items():
        ran = got[path]
        assert isinstance(ran, Ran) and ran.value == sha512(data), (
            f"digest_tree(..., func=f) should map each path to f(path); for {path} it gave "
            f"{ran!r}. Call the `func` argument, not compute_digest directly."
        )


# ---------------------------------------------------------------- parallelism

@pytest.fixture(scope="module")
def timed_outcome(tmp_path_factory):
    """One run of digest_tree(func=timed_digest, workers=2), shared by the tests
    below; an exception is kept so each test fails (rather than errors) with it."""
    root = tmp_path_factory.mktemp("timed")
    for i in range(TIMED_FILES):
        write(os.path.join(str(root), f"d{i % 2}", f"f{i}.txt"), f"file {i}\n".encode())
    try:
        return normalised(run_digest_tree(str(root), workers=2, func=timed_digest)), None
    except BaseException as exc:  # noqa: BLE001 - re-raised by each test
        return None, exc


def timed_runs(timed_outcome) -> list[Ran]:
    result, error = timed_outcome
    if error is not None:
        raise error
    runs = list(result.values())
    assert len(runs) == TIMED_FILES and all(isinstance(r, Ran) for r in runs), (
        f"digest_tree(..., func=timed_digest) should give {TIMED_FILES} results of "
        f"timed_digest, got {result!r}"
    )
    return runs


@pytest.mark.lesson
def test_tasks_run_in_worker_processes(timed_outcome):
    runs = timed_runs(timed_outcome)
    me = os.getpid()
    here = [r for r in runs if r.pid == me]
    assert not here, (
        f"{len(here)} of {len(runs)} tasks ran in the test's own process (pid {me}), not in "
        "worker processes. A ThreadPool (or calling func directly) runs the work in threads "
        "of one process, where the GIL lets only one of them compute at a time. Use "
        "multiprocessing.Pool, whose workers are separate processes."
    )


@pytest.mark.lesson
def test_tasks_run_in_parallel(timed_outcome):
    runs = timed_runs(timed_outcome)
    overlap = max_overlap(runs)
    assert overlap >= 2, (
        f"with workers=2, no two of the {len(runs)} tasks ever ran at the same time "
        f"(largest number running at once: {overlap}). Each task was submitted only after the "
        "previous one had finished: calling .get() right after each apply_async (or "
        "pool.apply in a loop) waits for every result before the next task is sent. Submit all "
        "the tasks first (pool.map, imap_unordered, or apply_async for every path and only "
        "then .get() each result)."
    )
    pids = {r.pid for r in runs}
    assert len(pids) >= 2, (
        f"all {len(runs)} tasks ran in one process (pid {pids}); with workers=2 they should "
        "be shared by two worker processes of a multiprocessing.Pool."
    )


# ---------------------------------------------------------------- cleanup

@pytest.mark.lesson
def test_pool_is_closed_after_return(tmp_path, monkeypatch):
    made: list[mp_pool.Pool] = []
    original_init = mp_pool.Pool.__init__

    def recording_init(self, *args, **kwargs):
        made.append(self)  # a strong reference: the garbage collector will not close it
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(mp_pool.Pool, "__init__", recording_init)
    before = set(multiprocessing.active_children())
    make_tree(tmp_path)
    try:
        run_digest_tree(str(tmp_path))
        still_open = [p for p in made if getattr(p, "_state", None) == mp_pool.RUN]
        assert not still_open, (
            f"digest_tree returned while its Pool was still open ({still_open[0]!r}): its "
            "worker processes keep running. Python does not promise to close a pool that is "
            "merely forgotten. Use `with Pool(workers) as pool:` (leaving the block ends the "
            "workers), or call pool.close() and then pool.join() before returning."
        )

        def new_children():
            return [c for c in multiprocessing.active_children() if c not in before]

        gone = wait_until(lambda: not new_children(), timeout=10.0, interval=0.02)
        assert gone, (
            f"10 s after digest_tree returned, its worker processes still run: "
            f"{new_children()}. Close the pool (`with Pool(...)`, or close() + join()) "
            "before returning."
        )
    finally:
        for p in made:  # clean up after a failing solution: leave no process behind
            try:
                p.terminate()
            except Exception:  # noqa: BLE001, S110 - best effort
                pass
