# catches: all files submitted with no bound (`workers` ignored)
# fails: test_at_most_workers_files_at_once
"""Every file handed to a worker thread at once: correct digests, off the loop,
but `workers` is ignored."""

import asyncio
import hashlib


def file_digest(path):
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha512").hexdigest()


async def digest_all(paths, workers=2):
    digests = await asyncio.gather(*(asyncio.to_thread(file_digest, p) for p in paths))
    return dict(zip(paths, digests))
