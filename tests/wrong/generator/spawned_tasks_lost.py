# catches: a task may spawn tasks while running (tasks spawned during run() are never run)
# fails: test_task_spawns_tasks_while_running, test_long_chain_of_spawns
"""run() loops over a copy of the task list made when it started: tasks spawned
while it runs are queued but never stepped."""

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
        running = list(self._tasks)
        self._tasks.clear()
        while running:
            for task in list(running):
                try:
                    next(task)
                except StopIteration:
                    running.remove(task)
