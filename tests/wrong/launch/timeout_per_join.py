# catches: the timeout applied to each join instead of to all calls together
# fails: test_timeout_is_for_all_calls_together
import threading


def run_concurrently(func, arg_tuples, timeout=None):
    arg_tuples = list(arg_tuples)
    results = [None] * len(arg_tuples)
    errors = []

    def call(i, args):
        try:
            results[i] = func(*args)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call, args=(i, args), daemon=True)
               for i, args in enumerate(arg_tuples)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    if any(t.is_alive() for t in threads):
        raise TimeoutError("too slow")
    if errors:
        raise errors[0]
    return results
