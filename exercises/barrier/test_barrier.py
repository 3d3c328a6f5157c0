"""Public tests for start_workers. Run them with `grader check barrier`.

The hidden tests check more: init() runs once in its own thread, a second call
waits for its own init(), and more workers that start waiting late still run.
"""

import threading

import barrier
from barrier import start_workers

from grader.testing import (
    call_with_deadline,
    patch_late_condition,
    start_call,
    wait_until,
    wait_until_blocked,
)


def test_every_worker_calls_work_after_init(monkeypatch):
    """init() returns at once, and the workers are slow to start: if they wait
    on a Condition, they get to it only after init's thread has ended (so a
    notify_all() without a flag has woken nobody)."""
    events = []
    lock = threading.Lock()
    init_threads = []
    patch_late_condition(monkeypatch, barrier, init_threads)

    def init():
        init_threads.append(threading.current_thread())
        with lock:
            events.append("init")

    def work(i):
        with lock:
            events.append(i)

    threads = call_with_deadline(start_workers, 4, init, work, what="start_workers(4, init, work)")
    assert len(threads) == 4, f"expected the 4 worker threads, got {threads!r}"
    call_with_deadline(lambda: [t.join() for t in threads], what="joining the 4 workers")
    assert events[0] == "init", f"init() must come first; events in order: {events}"
    assert sorted(events[1:]) == [0, 1, 2, 3], f"expected work(0) .. work(3) once each: {events}"


def test_workers_wait_while_init_runs():
    release = threading.Event()
    started = threading.Event()
    worked = []
    init_threads = []

    def init():
        init_threads.append(threading.current_thread())
        started.set()
        release.wait(5)

    call = start_call(start_workers, 3, init, worked.append)
    try:
        assert wait_until(lambda: started.is_set() or call.done.is_set()), "init() was not called"
        assert init_threads[:1] != [call.thread], (
            "start_workers ran init() itself: run it in a new thread and return at once")
        threads = call.finish("start_workers(3, init, work) while init() runs")
        for t in threads:
            wait_until_blocked(t, timeout=1.0)
        assert worked == [], f"work() ran for {worked} while init() was still running"
    finally:
        release.set()
    call_with_deadline(lambda: [t.join() for t in threads], what="joining the 3 workers")
    assert sorted(worked) == [0, 1, 2]
