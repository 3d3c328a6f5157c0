# catches: results in completion order
# fails: test_results_in_input_order_when_later_calls_finish_first
import threading
import time


def run_concurrently(func, arg_tuples, timeout=None):
    results = []
    errors = []
    lock = threading.Lock()

    def call(args):
        try:
            value = func(*args)
        except Exception as exc:
            errors.append(exc)
        else:
            with lock:
                results.append(value)

    threads = [threading.Thread(target=call, args=(args,), daemon=True) for args in arg_tuples]
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
