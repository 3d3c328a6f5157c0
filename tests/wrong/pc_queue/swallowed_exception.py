# catches: the exception of a call swallowed (not re-raised)
# fails: test_first_exception_is_reraised, test_exception_in_every_call
import queue
import threading


def parallel_map_threads(func, items, n_workers=4):
    items = list(items)
    q = queue.Queue()
    results = [None] * len(items)

    def worker():
        while True:
            job = q.get()
            if job is None:
                return
            i, x = job
            try:
                results[i] = func(x)
            except Exception:
                pass

    threads = [threading.Thread(target=worker) for _ in range(n_workers)]
    for t in threads:
        t.start()
    for i, x in enumerate(items):
        q.put((i, x))
    for _ in threads:
        q.put(None)
    for t in threads:
        t.join()
    return results
