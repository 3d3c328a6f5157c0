# catches: hashing on the loop itself (the loop is blocked while a file is hashed)
# fails: test_hashing_runs_off_the_loop, test_big_files_are_hashed_off_the_loop
# kind: blocked-loop
"""An `async def` that hashes each file right in the coroutine: asyncio.sleep(0)
between the files looks cooperative, but every digest is computed on the
loop's thread, and nothing else runs meanwhile."""

import asyncio
import hashlib


def file_digest(path):
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha512").hexdigest()


async def digest_all(paths, workers=2):
    result = {}
    for path in paths:
        result[path] = file_digest(path)
        await asyncio.sleep(0)  # "let the others run"
    return result
