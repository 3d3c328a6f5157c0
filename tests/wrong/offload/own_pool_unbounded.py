# catches: all files submitted with no bound (a thread pool of the default size)
# fails: test_at_most_workers_files_at_once
"""A thread pool of its own through run_in_executor, but of the default size
(at least 5 threads), not of `workers` threads."""

import asyncio
import hashlib
from concurrent.futures import ThreadPoolExecutor


def file_digest(path):
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha512").hexdigest()


async def digest_all(paths, workers=2):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor() as pool:  # max_workers not given
        digests = await asyncio.gather(
            *(loop.run_in_executor(pool, file_digest, p) for p in paths))
    return dict(zip(paths, digests))
