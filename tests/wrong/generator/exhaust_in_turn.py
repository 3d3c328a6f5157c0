# catches: each generator exhausted in turn
# fails: test_round_robin_alternates_equal_lengths, test_round_robin_unequal_lengths_and_empty, test_round_robin_values_of_any_type, test_round_robin_steps_generators_in_turn, test_round_robin_many_generators, test_run_steps_tasks_in_turn, test_task_spawns_tasks_while_running
"""Runs each generator to its end before starting the next one."""

from collections import deque


def round_robin(gens):
    produced = []
    for index, gen in enumerate(gens):
        for value in gen:
            produced.append((index, value))
    return produced


class Scheduler:
    def __init__(self):
        self._ready = deque()

    def spawn(self, gen):
        self._ready.append(gen)

    def run(self):
        while self._ready:
            task = self._ready.popleft()
            for _ in task:
                pass
