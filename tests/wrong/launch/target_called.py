# catches: `Thread(target=func(*args))` (serial, main thread)
# fails: test_each_call_runs_in_another_thread, test_calls_run_all_at_once
import threading
import time


def run_concurrently(func, arg_tuples, timeout=None):
    arg_tuples = list(arg_tuples)
    results = [None] * len(arg_tuples)
    errors = []

    def call(i, args):
        try:
            results[i] = func(*args)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call(i, args), daemon=True)
               for i, args in enumerate(arg_tuples)]
    for t in threads:
        t.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    for t in threads:
        t.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        if t.is_alive():
            raise TimeoutError("too slow")
    if errors:
        raise errors[0]
    return results
