# catches: leaked threads
# fails: test_results_in_input_order, test_default_n_workers_and_any_iterable, test_empty_items, test_more_workers_than_items, test_several_workers_run_func, test_workers_wait_for_late_items, test_first_exception_is_reraised, test_exception_in_every_call
import queue
import threading


def parallel_map_threads(func, items, n_workers=4):
    items = list(items)
    q = queue.Queue()
    results = [None] * len(items)
    errors = []

    def worker():
        while True:  # never told to stop: waits in q.get() forever
            i, x = q.get()
            try:
                results[i] = func(x)
            except Exception as exc:
                errors.append(exc)
            q.task_done()

    for _ in range(n_workers):
        threading.Thread(target=worker, daemon=True).start()
    for i, x in enumerate(items):
        q.put((i, x))
    q.join()
    if errors:
        raise errors[0]
    return results
