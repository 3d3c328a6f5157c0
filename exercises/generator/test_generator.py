"""Public tests for the generator exercise. Run them with `grader check generator`
(or `pytest` in this folder)."""

from __future__ import annotations

from generator import Scheduler, round_robin

from grader.testing import call_with_deadline

DEADLINE = 3.0  # seconds: a loop that never ends fails the test instead of hanging


def letters(word):
    yield from word


def test_round_robin_one_step_each_in_turn():
    got = call_with_deadline(round_robin, [letters("abc"), letters("xy")], deadline=DEADLINE,
                             what="round_robin([letters('abc'), letters('xy')])")
    assert got == [(0, "a"), (1, "x"), (0, "b"), (1, "y"), (0, "c")], got


def test_scheduler_interleaves_tasks():
    log = []

    def task(name, n):
        for i in range(n):
            log.append(f"{name}{i}")
            yield

    sched = Scheduler()
    sched.spawn(task("a", 2))
    sched.spawn(task("b", 3))
    call_with_deadline(sched.run, deadline=DEADLINE, what="Scheduler.run()")
    assert log == ["a0", "b0", "a1", "b1", "b2"], log


def test_task_can_spawn_a_task():
    log = []
    sched = Scheduler()

    def child():
        log.append("child")
        yield

    def parent():
        sched.spawn(child())
        yield
        log.append("parent")

    sched.spawn(parent())
    call_with_deadline(sched.run, deadline=DEADLINE, what="Scheduler.run()")
    assert sorted(log) == ["child", "parent"], log
