# catches: `while not q.empty()` (workers quit early)
# fails: test_results_in_input_order, test_several_workers_run_func, test_workers_wait_for_late_items
import queue
import threading


def parallel_map_threads(func, items, n_workers=4):
    items = list(items)
    q = queue.Queue()
    results = [None] * len(items)
    errors = []

    def worker():
        while not q.empty():  # quits as soon as the queue is empty for a moment
            i, x = q.get()
            try:
                results[i] = func(x)
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(n_workers)]
    for t in threads:
        t.start()
    for i, x in enumerate(items):
        q.put((i, x))
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results
