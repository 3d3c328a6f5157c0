"""Hidden tests for the generator exercise (round_robin and Scheduler).

Every task is a generator that writes to a shared log when it is stepped, so
the tests see the order in which the student's code advances them (not just the
values it returns): running one generator to its end before the next shows in
the log even when the returned list is rearranged afterwards. Every call goes
through ``call_with_deadline``: putting finished generators back in the queue
loops forever, which fails one test after DEADLINE seconds. Threads are spotted
by recording every ``Thread.start`` made from the thread that calls the student's
code, and the thread each generator step runs in.
"""

from __future__ import annotations

import threading

import pytest
from generator import Scheduler, round_robin

from grader.testing import (
    DeadlineExceeded,
    call_with_deadline,
    record_thread_starts,
    start_call,
    stop_thread,
)

DEADLINE = 3.0  # seconds: these calls take milliseconds; only a hang trips it

HANG_HINT = (
    " If it never returned: a generator that raised StopIteration is finished and "
    "must not be put back in the queue; putting it back makes the loop go on forever."
)


def logged(log, name, values):
    """A generator that logs ("step", name, value) just before each yield and
    ("end", name) when it finishes."""
    for value in values:
        log.append((name, value))
        yield value
    log.append((name, "end"))


# Which of the student's functions already hung in this run: a later test that
# needs it fails at once instead of waiting for the deadline again.
HUNG: dict[str, str] = {}


def call_student(key, fn, *args, what):
    """``fn(*args)`` with a deadline; a hang is remembered under ``key``, the looping
    thread is stopped, and later calls under ``key`` fail at once."""
    if key in HUNG:
        pytest.fail(f"not tried: {key} never returned in an earlier test ({HUNG[key]})."
                    + HANG_HINT)
    call = start_call(fn, *args)
    try:
        return call.finish(what + "." + HANG_HINT, deadline=DEADLINE)
    except DeadlineExceeded:
        HUNG[key] = what
        stop_thread(call.thread)
        call.done.wait(DEADLINE)
        raise


def rr(gens, what="round_robin(...)"):
    return call_student("round_robin", round_robin, gens, what=what)


def run_scheduler(sched, what="Scheduler.run()"):
    return call_student("Scheduler.run", sched.run, what=what)


def call_in_one_thread(key, fn, *args, what):
    """``call_student`` that also returns the ident of the thread ``fn`` ran in and
    the threads it started."""
    caller = {}

    def body():
        caller["ident"] = threading.get_ident()
        return fn(*args)

    with record_thread_starts() as starts:
        got = call_student(key, body, what=what)
    return got, caller["ident"], [t.name for t in starts.started_by(caller["ident"])]


# --- round_robin: order ----------------------------------------------------------


@pytest.mark.lesson
def test_round_robin_alternates_equal_lengths():
    gens = [iter_gen([f"{name}{k}" for k in range(4)]) for name in "abc"]
    got = rr(gens, "round_robin of 3 generators of 4 values")
    expected = [(i, f"{name}{k}") for k in range(4) for i, name in enumerate("abc")]
    assert got == expected, (
        f"round_robin of generators a, b, c (4 values each) returned\n  {got}\n"
        f"expected one step of each in turn:\n  {expected}\n"
        "Take a generator from the front of the queue, advance it one step with next(), "
        "record (index, value), and put it at the back."
    )


@pytest.mark.lesson
def test_round_robin_unequal_lengths_and_empty():
    gens = [iter_gen(["a0", "a1", "a2"]), iter_gen(["b0"]), iter_gen([]), iter_gen(["d0", "d1"])]
    got = rr(gens, "round_robin of generators of lengths 3, 1, 0, 2")
    expected = [(0, "a0"), (1, "b0"), (3, "d0"), (0, "a1"), (3, "d1"), (0, "a2")]
    assert got == expected, (
        f"round_robin of generators of lengths 3, 1, 0, 2 returned\n  {got}\nexpected\n"
        f"  {expected}\nA finished generator leaves the rotation; the others go on in the "
        "same order. The index is the generator's position in the list you were given."
    )


def iter_gen(values):
    yield from values


def test_round_robin_of_nothing():
    assert rr([], "round_robin([])") == [], "round_robin([]) must return []"


@pytest.mark.lesson
def test_round_robin_values_of_any_type():
    values = [None, 0, "", [1], ("t",)]
    got = rr([iter_gen(values), iter_gen([False])], "round_robin with None, 0 and '' values")
    expected = [(0, None), (1, False), (0, 0), (0, ""), (0, [1]), (0, ("t",))]
    assert got == expected, (
        f"returned {got}, expected {expected}: a generator that yields None, 0 or '' "
        "is not finished. Only StopIteration means it is done."
    )


@pytest.mark.lesson
def test_round_robin_steps_generators_in_turn():
    log = []
    gens = [logged(log, "a", [1, 2, 3]), logged(log, "b", [1, 2, 3])]
    rr(gens, "round_robin of two logging generators")
    expected = [("a", 1), ("b", 1), ("a", 2), ("b", 2), ("a", 3), ("b", 3),
                ("a", "end"), ("b", "end")]
    assert log == expected, (
        "each generator logs when it is advanced. The log was\n"
        f"  {log}\nexpected one step of each in turn:\n  {expected}\n"
        "The generators were not advanced one step each in turn: was each one run to its "
        "end (a for loop over it, or list(gen)) before the next one started? The result list "
        "may look right, but cooperative tasks take turns one step at a time."
    )


@pytest.mark.lesson
def test_round_robin_finished_generators_not_requeued():
    advanced = {"count": 0}

    def counting(values):
        for value in values:
            advanced["count"] += 1
            yield value

    gens = [counting(range(5)), counting(range(1)), counting(range(3))]
    got = rr(gens, "round_robin of generators of lengths 5, 1, 3")
    assert len(got) == 9 and advanced["count"] == 9, (
        f"expected 9 values from generators of lengths 5, 1, 3; got {len(got)}: {got}")


@pytest.mark.lesson
def test_round_robin_runs_in_the_calling_thread():
    step_threads = set()

    def task(values):
        for value in values:
            step_threads.add(threading.get_ident())
            yield value

    gens = [task(range(3)), task(range(2)), task(range(4))]
    got, caller, started = call_in_one_thread("round_robin", round_robin, gens,
                                              what="round_robin of three generators")
    assert sorted(v for _, v in got) == sorted([*range(3), *range(2), *range(4)]), (
        f"round_robin returned {got}")
    assert not started and step_threads == {caller}, (
        f"round_robin started {len(started)} thread(s) {started} and ran generator steps in "
        f"{len(step_threads)} thread(s). Generators are the alternative to threads: one "
        "thread (the caller's) advances every generator in turn with next(). No threads, "
        "no thread pools, no locks are needed."
    )


@pytest.mark.lesson
def test_round_robin_many_generators():
    gens = [iter_gen(range(i)) for i in range(60)]
    got = rr(gens, "round_robin of 60 generators")
    expected = [(i, k) for k in range(60) for i in range(60) if k < i]
    assert got == expected, (
        "round_robin of 60 generators (generator i yields 0..i-1) returned the wrong order; "
        f"first difference at position {first_difference(got, expected)}")


def first_difference(a, b):
    return next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)))


# --- Scheduler ---------------------------------------------------------------------


@pytest.mark.lesson
def test_spawn_does_not_run_the_task():
    log = []
    sched = Scheduler()
    call_with_deadline(sched.spawn, logged(log, "a", [1, 2]), deadline=DEADLINE,
                       what="Scheduler.spawn(task)")
    assert log == [], (
        f"spawn() already advanced the task (log: {log}). spawn only puts the task in the "
        "queue; run() runs it.")
    run_scheduler(sched)
    assert log == [("a", 1), ("a", 2), ("a", "end")], f"after run() the log was {log}"


@pytest.mark.lesson
def test_run_steps_tasks_in_turn():
    log = []
    sched = Scheduler()
    for name, n in [("a", 3), ("b", 1), ("c", 2)]:
        sched.spawn(logged(log, name, list(range(n))))
    result = run_scheduler(sched, "Scheduler.run() with tasks of 3, 1 and 2 steps")
    expected = [("a", 0), ("b", 0), ("c", 0),
                ("a", 1), ("b", "end"), ("c", 1),
                ("a", 2), ("c", "end"),
                ("a", "end")]
    assert log == expected, (
        f"tasks a, b, c (3, 1, 2 steps) logged\n  {log}\nexpected one step of each in turn "
        f"(first in, first out):\n  {expected}\nrun() takes the task at the front of the queue, "
        "advances it one step, and puts it at the back unless it raised StopIteration. Running "
        "a task to its end before the next one starts is not cooperative multitasking."
    )
    assert result is None, f"run() returned {result!r}; expected None"


@pytest.mark.lesson
def test_run_returns_when_every_task_finished():
    sched = Scheduler()
    done = []

    def task(name, n):
        for _ in range(n):
            yield
        done.append(name)

    for name, n in [("a", 4), ("b", 0), ("c", 2)]:
        sched.spawn(task(name, n))
    run_scheduler(sched, "Scheduler.run() with three short tasks")
    assert sorted(done) == ["a", "b", "c"], f"tasks that finished: {done}; expected a, b, c"
    run_scheduler(sched, "a second Scheduler.run() after every task finished")


@pytest.mark.lesson
def test_task_spawns_tasks_while_running():
    log = []
    sched = Scheduler()

    def child(name, n):
        for k in range(n):
            log.append((name, k))
            yield
        log.append((name, "end"))

    def parent():
        log.append(("parent", 0))
        yield
        sched.spawn(child("child1", 3))
        log.append(("parent", "spawned child1"))
        yield
        sched.spawn(child("child2", 1))
        log.append(("parent", "spawned child2"))
        yield
        log.append(("parent", 3))
        yield
        log.append(("parent", "end"))

    sched.spawn(parent())
    run_scheduler(sched, "Scheduler.run() with a task that spawns tasks")
    missing = [e for e in [("child1", 0), ("child1", 1), ("child1", 2), ("child1", "end"),
                           ("child2", 0), ("child2", "end"), ("parent", "end")] if e not in log]
    assert not missing, (
        f"run() returned but these steps never happened: {missing} (log: {log}). Tasks "
        "spawned by a running task must run too: keep taking tasks from the queue while it "
        "is not empty (`while queue:`), rather than looping over a copy made before run() "
        "started.")
    assert log.index(("parent", "spawned child1")) < log.index(("child1", 0)), (
        f"child1 ran before it was spawned? log: {log}")
    assert log.index(("child1", 0)) < log.index(("parent", 3)) < log.index(("child1", "end")), (
        f"log: {log}\nthe spawned task and its parent must take turns: the parent went on "
        "after child1 started, and child1 was not finished before the parent's next step. "
        "Did spawn() run the new task to its end, or did run() finish one task before the next?"
    )


@pytest.mark.lesson
def test_long_chain_of_spawns():
    sched = Scheduler()
    count = {"n": 0}

    def link(depth):
        count["n"] += 1
        yield
        if depth:
            sched.spawn(link(depth - 1))
        yield

    sched.spawn(link(500))
    run_scheduler(sched, "Scheduler.run() with a chain of 501 tasks each spawning the next")
    assert count["n"] == 501, f"{count['n']} of 501 chained tasks ran"


@pytest.mark.lesson
def test_scheduler_runs_in_the_calling_thread():
    step_threads = set()
    sched = Scheduler()

    def task(n, spawn_more):
        for _ in range(n):
            step_threads.add(threading.get_ident())
            yield
        if spawn_more:
            sched.spawn(task(2, False))

    for n in (3, 1, 2):
        sched.spawn(task(n, True))
    _, caller, started = call_in_one_thread("Scheduler.run", sched.run,
                                            what="Scheduler.run() with tasks that spawn tasks")
    assert not started and step_threads == {caller}, (
        f"Scheduler.run() started {len(started)} thread(s) {started} and ran task steps in "
        f"{len(step_threads)} thread(s). The scheduler is the alternative to threads: the "
        "thread that calls run() advances every task itself, one step at a time."
    )
