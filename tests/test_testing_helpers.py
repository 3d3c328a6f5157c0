"""The helpers exercise authors rely on: each one shown to tell right from wrong."""

from __future__ import annotations

import sys
import threading
import types

import pytest

from grader.testing import (
    DeadlineExceeded,
    LockOrderTracker,
    PeakCounter,
    busy_cpu_ratio,
    call_with_deadline,
    inject_switches,
    patch_late_condition,
    run_in_threads,
    wait_until_blocked,
)


class Racy:
    def __init__(self):
        self.value = 0

    def bump(self):
        self.value += 1


class Locked(Racy):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def bump(self):
        with self.lock:
            self.value += 1


def hammer(counter, seed):
    with inject_switches(sys.modules[__name__], seed=seed):
        run_in_threads([lambda: [counter.bump() for _ in range(300)] for _ in range(4)])
    return counter.value


@pytest.mark.parametrize("seed", range(5))
def test_injected_switches_show_the_lost_update(seed):
    assert hammer(Racy(), seed) < 1200
    assert hammer(Locked(), seed) == 1200


def test_call_with_deadline_returns_raises_and_times_out():
    assert call_with_deadline(lambda x: x + 1, 1) == 2
    with pytest.raises(ZeroDivisionError):
        call_with_deadline(lambda: 1 / 0)
    never = threading.Event()
    with pytest.raises(DeadlineExceeded, match="did not return within 0.2 s"):
        call_with_deadline(never.wait, deadline=0.2, what="never.wait()")


def test_a_deadline_stretches_while_the_call_works_but_not_for_a_hang():
    """A slow machine makes a correct call late, not stuck: while the run uses
    CPU the deadline stretches (up to STRETCH times); a blocked call is
    declared after one more look. Judged by CPU used, not by the clock."""
    import time

    from grader.testing import deadline

    def work_for(cpu: float) -> str:
        start = time.thread_time()
        while time.thread_time() - start < cpu:
            pass
        return "done"

    # 0.6 s of CPU is 3 deadlines of 0.2 s on an idle machine, more on a busy one
    assert call_with_deadline(work_for, 0.6, deadline=0.2) == "done"
    never = threading.Event()
    start = time.process_time()
    with pytest.raises(DeadlineExceeded):
        call_with_deadline(never.wait, deadline=0.2)
    assert time.process_time() - start < 0.2 * deadline.STRETCH  # it did not spin meanwhile
    never.set()


def test_run_in_threads_names_the_stuck_threads():
    gate = threading.Event()
    with pytest.raises(DeadlineExceeded, match="1 of 2 of the threads") as err:
        run_in_threads([lambda: 1, gate.wait], timeout=0.3)
    assert "worker-1" in str(err.value) and "wait" in str(err.value)
    gate.set()


def test_run_in_threads_waits_on_while_the_work_moves_on():
    done = []

    def slow():  # about 20 steps of CPU work, far more than the 0.05 s timeout
        for _ in range(20):
            sum(range(200_000))
            done.append(1)

    assert run_in_threads([slow], timeout=0.05, progress=lambda: len(done)) == [None]
    assert len(done) == 20


def test_run_in_threads_with_progress_still_fails_a_stall():
    gate = threading.Event()
    with pytest.raises(DeadlineExceeded, match="nothing moved on"):
        run_in_threads([gate.wait], timeout=0.1, progress=lambda: 0)
    gate.set()


def test_lock_order_tracker_finds_an_inversion_in_one_thread():
    tracker = LockOrderTracker()
    a, b = tracker.lock("a.lock"), tracker.lock("b.lock")
    with a, b:
        pass
    assert not tracker.inversions
    with b, a:
        pass
    assert len(tracker.inversions) == 1
    assert "`a.lock` was held while taking `b.lock`" in tracker.explain()


def test_lock_order_tracker_accepts_one_global_order():
    tracker = LockOrderTracker()
    locks = [tracker.lock(f"l{i}") for i in range(4)]
    for i in range(4):
        for j in range(i + 1, 4):
            with locks[i], locks[j]:
                pass
    assert tracker.inversions == []


def test_peak_counter():
    peak = PeakCounter()
    inside, release = threading.Barrier(3), threading.Event()

    def enter():
        with peak:
            inside.wait()
            release.wait(5)

    threads = [threading.Thread(target=enter) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait(5)
    release.set()
    for t in threads:
        t.join(5)
    assert peak.peak == 2 and peak.inside == 0


def test_busy_cpu_ratio_tells_waiting_from_spinning():
    """A blocked wait uses about 0.001 of a CPU whatever the load; a spinning
    thread about 1 on an idle machine and, measured at load average 16 on 2
    cores, still 0.05: the bounds leave a wide gap on both sides."""
    event = threading.Event()
    assert busy_cpu_ratio(event.wait, window=0.5, release=event.set) < 0.01
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            pass

    assert busy_cpu_ratio(spin, window=0.5, release=stop.set) > 0.02


def test_wait_until_blocked():
    event = threading.Event()
    waiter = threading.Thread(target=event.wait, daemon=True)
    waiter.start()
    assert wait_until_blocked(waiter)
    event.set()
    waiter.join(5)
    assert not wait_until_blocked(waiter, timeout=0.2)


def late_round(student, first: list, flag: bool) -> tuple[list[str], bool]:
    """A worker started BEFORE the init thread (so it would usually wait in
    time), in a module whose Conditions threads reach late: the order of events
    and whether the worker was woken (its wait is bounded: never a hang here)."""
    cond, ready, order, woken = student.threading.Condition(), [], [], []

    def initialise():
        first.append(threading.current_thread())
        with cond:
            order.append("notify")
            ready.append(True)
            cond.notify_all()

    def worker():
        with cond:
            order.append("worker in")
            woken.append(cond.wait_for(lambda: ready, timeout=5) if flag
                         else cond.wait(timeout=0.5))

    threads = [threading.Thread(target=worker), threading.Thread(target=initialise)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return order, bool(woken and woken[0])


def test_a_late_condition_loses_a_notify_without_a_flag_every_run(monkeypatch):
    student = types.ModuleType("student")
    student.threading = threading
    patch_late_condition(monkeypatch, student, [])
    stale = student.threading.Condition
    first: list[threading.Thread] = []
    patch_late_condition(monkeypatch, student, first)  # patching again replaces it
    assert student.threading.Condition is not stale
    assert student.threading.Condition.__name__ == "Condition"  # as reports name it
    for _ in range(3):
        first.clear()
        assert late_round(student, first, flag=False) == (["notify", "worker in"], False)
    first.clear()  # a flag checked under the lock lets the late worker go on
    assert late_round(student, first, flag=True) == (["notify", "worker in"], True)
    assert student.threading.Condition is not threading.Condition  # only `student` sees it


def test_seeds_are_replayable_per_test():
    from grader.testing.switches import seed_for

    assert seed_for("test_a.py::test_x", 7) == seed_for("test_a.py::test_x", 7)
    assert seed_for("test_a.py::test_x", 7) != seed_for("test_a.py::test_x", 8)
    assert seed_for("test_a.py::test_x", 7) != seed_for("test_a.py::test_y", 7)


def test_the_same_seed_gives_the_same_switches():
    def run(seed):
        counter = Racy()
        with inject_switches(sys.modules[__name__], seed=seed) as rng:
            counter.bump()
        return rng.random()

    assert run(3) == run(3) != run(4)


@pytest.mark.switches(__name__, probability=0.05)
def test_the_switches_marker_provokes_the_race():
    counter = Racy()
    run_in_threads([lambda: [counter.bump() for _ in range(300)] for _ in range(4)])
    assert counter.value < 1200  # updates were lost: the marker injected switches
