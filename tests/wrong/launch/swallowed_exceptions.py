# catches: swallowed exceptions
# fails: test_exception_is_reraised, test_exception_of_any_type_is_reraised, test_one_of_several_exceptions_is_reraised
import threading
import time


def run_concurrently(func, arg_tuples, timeout=None):
    arg_tuples = list(arg_tuples)
    results = [None] * len(arg_tuples)

    def call(i, args):
        results[i] = func(*args)  # an exception here is printed by threading.excepthook

    threads = [threading.Thread(target=call, args=(i, args), daemon=True)
               for i, args in enumerate(arg_tuples)]
    for t in threads:
        t.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    for t in threads:
        t.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        if t.is_alive():
            raise TimeoutError("too slow")
    return results
