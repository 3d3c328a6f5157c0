# catches: `while not q.empty()` (workers quit early), with the items fed lazily
# fails: test_workers_wait_for_late_items
import queue
import threading


def parallel_map_threads(func, items, n_workers=4):
    q = queue.Queue()
    results = {}
    errors = []

    def worker():
        while not q.empty():
            i, x = q.get()
            try:
                results[i] = func(x)
            except Exception as exc:
                errors.append(exc)
            q.task_done()

    threads = [threading.Thread(target=worker) for _ in range(n_workers)]
    for t in threads:
        t.start()
    n = 0
    for n, x in enumerate(items, 1):
        q.put((n - 1, x))
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return [results.get(i) for i in range(n)]
