"""Running one submission's tests for one exercise in an isolated child process.

- :mod:`run`: the parent side: prepares the run folder, starts the child, owns
  the wall clock, restarts after a crash or a hung test, collects the outcome.
- :mod:`child`: the child's entry point: limits, then pytest with the plugin.
- :mod:`procs`: the process tree: subreaper, finding and killing every process.
- :mod:`stacks`: every thread's stack of every process of a run.
"""
