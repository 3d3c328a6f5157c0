"""Correct: a ThreadPoolExecutor with one worker per call, futures kept in
input order, concurrent.futures.wait for the overall timeout, and the first
exception taken in input order."""

import concurrent.futures as cf


def run_concurrently(func, arg_tuples, timeout=None):
    arg_tuples = list(arg_tuples)
    if not arg_tuples:
        return []
    pool = cf.ThreadPoolExecutor(max_workers=len(arg_tuples), thread_name_prefix="launch")
    try:
        futures = [pool.submit(func, *args) for args in arg_tuples]
        done, not_done = cf.wait(futures, timeout=timeout)
        if not_done:
            raise TimeoutError(f"{len(not_done)} call(s) still running after {timeout} s")
        return [f.result() for f in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
