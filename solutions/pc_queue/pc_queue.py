"""Producer-consumer with a Queue: a thread pool's map, by hand.

The calling thread produces (index, item) jobs on a queue.Queue; n_workers
threads consume them and store each result at its index. One sentinel per
worker tells each worker to stop; joining the workers makes sure none is left
running when the function returns.
"""

import queue
import threading

_STOP = object()  # the sentinel: an object no caller can pass as an item


def parallel_map_threads(func, items, n_workers=4):
    """Return ``[func(x) for x in items]``, computed by ``n_workers`` threads.

    Results are in input order. If a call raises, the first exception raised is
    re-raised once every worker has stopped (remaining items are skipped).
    """
    if n_workers < 1:
        raise ValueError("n_workers must be at least 1")
    jobs = queue.Queue()
    results = {}
    errors = []
    lock = threading.Lock()

    def worker():
        while True:
            job = jobs.get()
            if job is _STOP:
                return
            index, item = job
            if errors:  # a call failed already: skip the rest
                continue
            try:
                value = func(item)
            except BaseException as exc:  # noqa: BLE001 - re-raised by the caller
                with lock:
                    errors.append(exc)
            else:
                results[index] = value

    workers = [threading.Thread(target=worker, name=f"pc-worker-{i}")
               for i in range(n_workers)]
    for t in workers:
        t.start()
    count = 0
    try:
        for count, item in enumerate(items, 1):
            jobs.put((count - 1, item))
    finally:
        for _ in workers:
            jobs.put(_STOP)
        for t in workers:
            t.join()
    if errors:
        raise errors[0]
    return [results[i] for i in range(count)]
