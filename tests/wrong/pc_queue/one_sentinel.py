# catches: one sentinel for N workers (N-1 hang: a stall)
# fails: test_results_in_input_order, test_default_n_workers_and_any_iterable, test_empty_items, test_more_workers_than_items, test_several_workers_run_func, test_workers_wait_for_late_items, test_first_exception_is_reraised, test_exception_in_every_call
import queue
import threading


def parallel_map_threads(func, items, n_workers=4):
    items = list(items)
    q = queue.Queue()
    results = [None] * len(items)
    errors = []

    def worker():
        while True:
            job = q.get()
            if job is None:
                break
            i, x = job
            try:
                results[i] = func(x)
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(n_workers)]
    for t in threads:
        t.start()
    for i, x in enumerate(items):
        q.put((i, x))
    q.put(None)  # one sentinel: only one worker will ever see it
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results
