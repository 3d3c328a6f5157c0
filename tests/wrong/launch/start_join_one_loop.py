# catches: start and join in one loop (serial)
# fails: test_calls_run_all_at_once, test_results_in_input_order_when_later_calls_finish_first
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

    deadline = None if timeout is None else time.monotonic() + timeout
    for i, args in enumerate(arg_tuples):
        t = threading.Thread(target=call, args=(i, args), daemon=True)
        t.start()
        t.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        if t.is_alive():
            raise TimeoutError("too slow")
    if errors:
        raise errors[0]
    return results
