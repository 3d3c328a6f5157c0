# catches: a coroutine that is created but never awaited (the last, incomplete batch is dropped)
# fails: test_digests_match_hashlib, test_every_file_is_digested
# kind: never-awaited
"""Makes a coroutine per file, then awaits them in batches of `workers` with the
zip(*[iter(xs)] * n) idiom, which drops an incomplete last batch: the
coroutines of the last files are never awaited, and their files are missing."""

import asyncio
import hashlib


def file_digest(path):
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha512").hexdigest()


async def digest_all(paths, workers=2):
    coros = [asyncio.to_thread(file_digest, p) for p in paths]
    digests = []
    for batch in zip(*[iter(coros)] * workers):  # groups of `workers`
        digests += await asyncio.gather(*batch)
    return dict(zip(paths, digests))
