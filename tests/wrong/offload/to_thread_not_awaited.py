# catches: a coroutine that is created but never awaited (`asyncio.to_thread(...)` without `await`)
# fails: test_digests_match_hashlib, test_every_file_is_digested
# kind: never-awaited
"""Bounded and off the loop in intent, but `asyncio.to_thread(...)` is called
without `await`: it only creates a coroutine, which never runs; the dict holds
coroutine objects instead of digests."""

import asyncio
import hashlib


def file_digest(path):
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha512").hexdigest()


async def digest_all(paths, workers=2):
    slots = asyncio.Semaphore(workers)

    async def one(path):
        async with slots:
            digest = asyncio.to_thread(file_digest, path)  # forgot await
            return path, digest

    pairs = await asyncio.gather(*(one(p) for p in paths))
    return dict(pairs)
