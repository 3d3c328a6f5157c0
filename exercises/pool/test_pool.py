"""Public tests for the pool exercise. Run them with `grader check pool`
(or `pytest` in this folder)."""

from __future__ import annotations

import hashlib
import os
import pickle

import pool
import pytest

from grader.testing import call_with_deadline
from grader.testing.tasks import Ran, max_overlap, timed_digest

DEADLINE = 20.0  # seconds: a hang fails the test with a stack instead of blocking forever

pytestmark = pytest.mark.timeout_s(60)


def sha512(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


def make_tree(root) -> dict[str, bytes]:
    """Write a small tree of files under ``root``; return {path: content}."""
    contents = {
        "readme.txt": b"hello, pool\n",
        "data.bin": bytes(range(256)) * 300,  # 76,800 bytes: more than one chunk
        os.path.join("sub", "notes.txt"): b"in a subfolder\n",
        os.path.join("sub", "deeper", "leaf.txt"): b"two levels down\n",
    }
    written = {}
    for rel, data in contents.items():
        path = os.path.join(str(root), rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        written[path] = data
    return written


def digest_tree(topdir: str, **kwargs):
    try:
        return call_with_deadline(pool.digest_tree, topdir, deadline=DEADLINE,
                                  what=f"digest_tree({topdir!r})", **kwargs)
    except Exception as exc:
        if isinstance(exc, pickle.PicklingError) or "pickle" in str(exc).lower():
            pytest.fail(
                f"digest_tree raised {type(exc).__name__}: {exc}\n"
                "The pool pickles each task to send it to a worker process, and a lambda or a "
                "function defined inside digest_tree cannot be pickled. Give the pool a "
                "top-level function (for example `func` itself).",
                pytrace=False,
            )
        raise


def test_compute_digest_matches_hashlib(tmp_path):
    data = b"The quick brown fox jumps over the lazy dog\n" * 5000  # ~220 kB, several chunks
    path = tmp_path / "fox.txt"
    path.write_bytes(data)
    got = pool.compute_digest(str(path))
    assert got == sha512(data), (
        "compute_digest must return hashlib.sha512(<all the file's bytes>).hexdigest(), "
        "a 128-character hex string; feed every chunk to the same hash object."
    )


@pytest.mark.lesson
def test_keys_are_the_file_paths(tmp_path):
    tree = make_tree(tmp_path)
    result = digest_tree(str(tmp_path))
    assert isinstance(result, dict), f"digest_tree should return a dict, got {type(result)}"
    keys = {os.fspath(k) for k in result}
    missing = sorted(set(tree) - keys)
    extra = sorted(keys - set(tree))
    assert not missing and not extra, (
        f"the keys should be the paths of every file under topdir "
        f"(os.path.join(dirpath, name) from os.walk, subfolders included).\n"
        f"missing: {missing}\nnot expected (directories are not files): {extra}"
    )


@pytest.mark.lesson
def test_digest_tree_matches_hashlib(tmp_path):
    tree = make_tree(tmp_path)
    result = digest_tree(str(tmp_path))
    got = {os.fspath(k): v for k, v in result.items()}
    for path, data in tree.items():
        assert got.get(path) == sha512(data), (
            f"wrong digest for {path}: expected hashlib.sha512 of its bytes, got {got.get(path)!r}"
        )


@pytest.mark.lesson
def test_two_workers_run_tasks_at_the_same_time(tmp_path):
    # timed_digest holds its worker for 0.15 s and records when it ran, so two
    # workers overlap whatever the machine's speed; nothing here is timed.
    for i in range(4):
        (tmp_path / f"f{i}.txt").write_bytes(f"file {i}\n".encode())
    result = digest_tree(str(tmp_path), workers=2, func=timed_digest)
    runs = list(result.values())
    assert len(runs) == 4 and all(isinstance(r, Ran) for r in runs), (
        f"digest_tree(..., func=f) should map each of the 4 files to f(path); got {result!r}. "
        "Call the `func` argument, not compute_digest directly."
    )
    assert max_overlap(runs) >= 2, (
        "with workers=2, no two of the 4 tasks ever ran at the same time: each task was sent "
        "only after the previous one had finished (or the pool has one process: pass "
        "`workers` to Pool). Calling .get() right after each apply_async (or pool.apply in a "
        "loop) waits for every result before sending the next task. Send all the tasks "
        "first (pool.map, imap_unordered, or apply_async for every path), then collect the "
        "results."
    )
