# catches: finished tasks re-queued (hang)
# fails: test_round_robin_alternates_equal_lengths, test_round_robin_unequal_lengths_and_empty, test_round_robin_values_of_any_type, test_round_robin_steps_generators_in_turn, test_round_robin_finished_generators_not_requeued, test_round_robin_runs_in_the_calling_thread, test_round_robin_many_generators, test_spawn_does_not_run_the_task, test_run_steps_tasks_in_turn, test_run_returns_when_every_task_finished, test_task_spawns_tasks_while_running, test_long_chain_of_spawns, test_scheduler_runs_in_the_calling_thread
"""Catches StopIteration but puts the finished generator back anyway: the loop
never ends once any generator is finished."""

from collections import deque


def round_robin(gens):
    ready = deque(enumerate(gens))
    produced = []
    while ready:
        index, gen = ready.popleft()
        try:
            produced.append((index, next(gen)))
        except StopIteration:
            pass
        ready.append((index, gen))
    return produced


class Scheduler:
    def __init__(self):
        self._ready = deque()

    def spawn(self, gen):
        self._ready.append(gen)

    def run(self):
        while self._ready:
            task = self._ready.popleft()
            try:
                next(task)
            except StopIteration:
                pass
            self._ready.append(task)
