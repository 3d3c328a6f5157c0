# catches: all files submitted with no bound (a new semaphore for each file limits nothing)
# fails: test_at_most_workers_files_at_once
"""A semaphore, but a new one for each file: every file gets a slot of its own."""

import asyncio
import hashlib


def file_digest(path):
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha512").hexdigest()


async def digest_all(paths, workers=2):
    async def one(path):
        async with asyncio.Semaphore(workers):  # a new one per call: no limit
            return await asyncio.to_thread(file_digest, path)

    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(one(p)) for p in paths]
    return {p: t.result() for p, t in zip(paths, tasks)}
