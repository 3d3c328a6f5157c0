"""Correct, another style: a Process subclass per worker, a unique sentinel
class (never equal to a data item), results gathered into a pre-sized list,
and the queues closed explicitly; the parent collects the results BEFORE it
waits on tasks.join() (both orders are fine)."""

from __future__ import annotations

import multiprocessing
import traceback


class _Done:
    """The end-of-work marker: an instance of a private class."""


class Worker(multiprocessing.Process):
    def __init__(self, tasks, results, handler) -> None:
        super().__init__(daemon=True)
        self.tasks, self.results, self.handler = tasks, results, handler

    def run(self) -> None:
        while not isinstance(task := self.tasks.get(), _Done):
            index, item = task
            try:
                outcome = ("ok", self.handler(item))
            except Exception as exc:  # noqa: BLE001
                try:
                    import pickle
                    pickle.dumps(exc)
                except Exception:  # noqa: BLE001
                    exc = RuntimeError("".join(traceback.format_exception_only(exc)))
                outcome = ("error", exc)
            self.results.put((index, *outcome))
            self.tasks.task_done()
        self.tasks.task_done()


def process_all(items, handler, n_workers=2):
    items = list(items)
    tasks, results = multiprocessing.JoinableQueue(), multiprocessing.Queue()
    workers = [Worker(tasks, results, handler) for _ in range(n_workers)]
    for w in workers:
        w.start()
    out = [None] * len(items)
    errors = {}
    try:
        for pair in enumerate(items):
            tasks.put(pair)
        for _ in workers:
            tasks.put(_Done())
        for _ in range(len(items)):
            index, kind, value = results.get()
            if kind == "ok":
                out[index] = value
            else:
                errors[index] = value
        tasks.join()
    finally:
        for w in workers:
            w.join()
        tasks.close()
        results.close()
    if errors:
        raise errors[min(errors)]
    return out
