# catches: hashing on the loop itself (in small steps: no single step is long, the loop's thread still does all the hashing)
# fails: test_hashing_runs_off_the_loop, test_big_files_are_hashed_off_the_loop
# kind: blocked-loop
"""Hashes each file in 1 MiB chunks right in the coroutine, with an await after
each chunk: no step holds the loop for long, but every byte is hashed on the
loop's thread (and the files are read there too), one file after another."""

import asyncio
import hashlib

CHUNK = 1 << 20


async def digest_all(paths, workers=2):
    result = {}
    for path in paths:
        h = hashlib.sha512()
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                h.update(chunk)
                await asyncio.sleep(0)  # let the others run
        result[path] = h.hexdigest()
    return result
