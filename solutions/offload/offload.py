"""SHA-512 digests of files, computed in worker threads while the event loop
stays free.

Reference solution.
"""

from __future__ import annotations

import asyncio
import hashlib


def file_digest(path: str) -> str:
    """SHA-512 hex digest of one file: blocking work, for a worker thread."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha512").hexdigest()


async def digest_all(paths: list[str], workers: int = 2) -> dict[str, str]:
    """Map each path of ``paths`` to its file's SHA-512 hex digest, computed in
    worker threads, at most ``workers`` files at a time."""
    slots = asyncio.Semaphore(workers)  # one for all the files of this call

    async def one(path: str) -> str:
        async with slots:
            return await asyncio.to_thread(file_digest, path)

    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(one(path)) for path in paths]
    return {path: task.result() for path, task in zip(paths, tasks, strict=True)}
