# catches: hashing on the loop itself (the file is read in a thread, then hashed in the coroutine)
# fails: test_hashing_runs_off_the_loop, test_big_files_are_hashed_off_the_loop
# kind: blocked-loop
"""Reads each file in a worker thread, bounded by a semaphore, but computes the
digest of the bytes back in the coroutine: on the loop's thread."""

import asyncio
import hashlib
from pathlib import Path


async def digest_all(paths, workers=2):
    slots = asyncio.Semaphore(workers)

    async def one(path):
        async with slots:
            data = await asyncio.to_thread(Path(path).read_bytes)
        return hashlib.sha512(data).hexdigest()  # on the loop

    digests = await asyncio.gather(*(one(p) for p in paths))
    return dict(zip(paths, digests))
