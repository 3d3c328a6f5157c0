"""Correct: a ThreadPoolExecutor of `workers` threads through
loop.run_in_executor (the pool itself is the bound), reading in chunks."""

import asyncio
import hashlib
from concurrent.futures import ThreadPoolExecutor


def _digest(path):
    h = hashlib.sha512()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


async def digest_all(paths, workers=2):
    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = [loop.run_in_executor(pool, _digest, path) for path in paths]
        results = await asyncio.gather(*futures, return_exceptions=True)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # every job has ended by now
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return dict(zip(paths, results, strict=True))
