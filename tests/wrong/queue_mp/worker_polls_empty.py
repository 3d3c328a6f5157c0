# catches: `q.empty()` polling (lost results)
# fails: test_no_task_lost_while_the_queue_looks_empty
from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Iterable

_STOP = None  # tasks are (index, item) tuples, so None can never be a task


def _picklable(exc: BaseException) -> BaseException:
    """The exception itself if it can travel to the parent, else a description."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any pickling problem
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _work(tasks, results, handler) -> None:
    while not tasks.empty():  # "nothing left to do"
        task = tasks.get()
        try:
            if task is _STOP:
                return
            index, item = task
            try:
                results.put((index, True, handler(item)))
            except Exception as exc:  # noqa: BLE001 - handed to the parent
                results.put((index, False, _picklable(exc)))
        finally:
            tasks.task_done()  # for every get(), the sentinel's too


def process_all(items: Iterable[object], handler: Callable[[object], object],
                n_workers: int = 2) -> list:
    items = list(items)
    tasks = multiprocessing.JoinableQueue()
    results = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_work, args=(tasks, results, handler))
               for _ in range(n_workers)]
    for w in workers:
        w.start()
    try:
        for task in enumerate(items):
            tasks.put(task)
        for _ in workers:
            tasks.put(_STOP)
        tasks.join()  # every task and every sentinel handled
        outcomes = dict((i, (ok, value)) for i, ok, value in
                        (results.get() for _ in items))
    finally:
        for w in workers:
            w.join()
    for i in range(len(items)):
        ok, value = outcomes[i]
        if not ok:
            raise value
    return [outcomes[i][1] for i in range(len(items))]
