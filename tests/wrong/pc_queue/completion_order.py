# catches: results in completion order, not input order
# fails: test_results_in_input_order, test_several_workers_run_func
import queue
import threading


def parallel_map_threads(func, items, n_workers=4):
    q = queue.Queue()
    results = []
    errors = []

    def worker():
        while True:
            x = q.get()
            if x is q:
                return
            try:
                results.append(func(x))
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(n_workers)]
    for t in threads:
        t.start()
    for x in items:
        q.put(x)
    for _ in threads:
        q.put(q)
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results
