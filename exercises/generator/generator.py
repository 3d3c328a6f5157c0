"""Generators as cooperative tasks: a round-robin runner and a tiny scheduler.

Write round_robin and Scheduler (see README.md), then check your work with
`grader check generator`.
"""

from collections import deque  # noqa: F401 - a good queue of ready tasks


def round_robin(gens):
    """Advance each generator in ``gens`` one step in turn, skipping those that
    are exhausted, until all of them are.

    Return the list of ``(index, value)`` pairs in the order they were produced,
    ``index`` being the generator's position in ``gens``.
    """
    raise NotImplementedError("round_robin")


class Scheduler:
    """Run generator tasks cooperatively, one step each in turn."""

    def __init__(self):
        pass  # TODO: the queue of ready tasks

    def spawn(self, gen):
        """Add the task ``gen`` at the back of the ready queue. Do not run it now.

        May be called before run() and also by a task while run() is running.
        """
        raise NotImplementedError("Scheduler.spawn")

    def run(self):
        """Run the tasks, one step each in turn, until all have finished
        (tasks spawned meanwhile included). Return None."""
        raise NotImplementedError("Scheduler.run")
