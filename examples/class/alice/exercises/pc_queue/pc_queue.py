"""One poison pill that every worker puts back for the next one before it
quits; results come back on a second queue as (index, value) pairs."""

import queue
import threading

_PILL = object()


def parallel_map_threads(func, items, n_workers=4):
    todo = queue.Queue()
    done = queue.Queue()

    def worker():
        while True:
            job = todo.get()
            if job is _PILL:
                todo.put(_PILL)  # pass it on: the next worker stops too
                return
            index, item = job
            try:
                done.put((index, True, func(item)))
            except Exception as exc:
                done.put((index, False, exc))

    threads = [threading.Thread(target=worker) for _ in range(n_workers)]
    for t in threads:
        t.start()
    n = 0
    for n, item in enumerate(items, 1):
        todo.put((n - 1, item))
    todo.put(_PILL)
    for t in threads:
        t.join()
    outcomes = sorted((done.get() for _ in range(n)), key=lambda o: o[0])
    failures = [o for o in outcomes if not o[1]]
    if failures:
        raise failures[0][2]
    return [value for _, _, value in outcomes]
