"""Launching threads: run calls concurrently (reference solution)."""

import threading
import time


def run_concurrently(func, arg_tuples, timeout=None):
    """Call ``func(*args)`` for every tuple, each in its own thread, all at once.

    Returns the results in the order of ``arg_tuples``. Re-raises the first
    exception a call raised. Raises TimeoutError if the calls have not all
    finished within ``timeout`` seconds (None: wait as long as it takes).
    """
    arg_tuples = list(arg_tuples)
    results = [None] * len(arg_tuples)
    errors = []  # exceptions in the order they were raised
    lock = threading.Lock()

    def call(i, args):
        try:
            results[i] = func(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=call, args=(i, args), daemon=True)
               for i, args in enumerate(arg_tuples)]
    for t in threads:  # start them all first ...
        t.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    for t in threads:  # ... then wait for each
        t.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        if t.is_alive():
            raise TimeoutError(f"the calls did not finish within {timeout} s")
    if errors:
        raise errors[0]
    return results
