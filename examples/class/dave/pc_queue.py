"""Workers call task_done for every item; the caller waits with q.join(), then
sends one sentinel per worker and joins the threads. The first exception in
time is kept."""

import queue
import threading


def parallel_map_threads(func, items, n_workers=4):
    items = list(items)
    q = queue.Queue()
    results = [None] * len(items)
    first_error = []
    guard = threading.Lock()

    def worker():
        while True:
            job = q.get()
            try:
                if job is None:
                    return
                i = job
                try:
                    results[i] = func(items[i])
                except BaseException as exc:
                    with guard:
                        if not first_error:
                            first_error.append(exc)
            finally:
                q.task_done()

    pool = []
    for k in range(n_workers):
        t = threading.Thread(target=worker, name=f"worker-{k}", daemon=True)
        t.start()
        pool.append(t)
    for i in range(len(items)):
        q.put(i)
    q.join()
    for _ in pool:
        q.put(None)
    for t in pool:
        t.join()
    if first_error:
        raise first_error[0]
    return results
