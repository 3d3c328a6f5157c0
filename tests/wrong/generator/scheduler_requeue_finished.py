# catches: finished tasks re-queued (hang)
# fails: test_spawn_does_not_run_the_task, test_run_steps_tasks_in_turn, test_run_returns_when_every_task_finished, test_task_spawns_tasks_while_running, test_long_chain_of_spawns, test_scheduler_runs_in_the_calling_thread
"""round_robin is right; Scheduler.run loops over its list of tasks forever,
stepping finished tasks again (it waits for "all finished" that it never sees)."""

from collections import deque


def round_robin(gens):
    ready = deque(enumerate(gens))
    produced = []
    while ready:
        index, gen = ready.popleft()
        try:
            value = next(gen)
        except StopIteration:
            continue
        produced.append((index, value))
        ready.append((index, gen))
    return produced


class Scheduler:
    def __init__(self):
        self._tasks = []

    def spawn(self, gen):
        self._tasks.append(gen)

    def run(self):
        finished = set()
        while self._tasks:
            for task in list(self._tasks):
                try:
                    next(task)
                except StopIteration:
                    finished.add(id(task))
                # the finished task stays in self._tasks
