"""Running one submission's tests for one exercise in an isolated child process.

- :mod:`run`: the parent side: prepares the run folder, starts the child, owns
  the wall clock, restarts after a crash or a hung test, collects the outcome.
- :mod:`child`: the child's entry point: limits, then pytest with the plugin.
- :mod:`warm`: a server that imported pytest once and forks a child per run.
- :mod:`sandbox`: the bubblewrap prefix of a sandboxed run.
- :mod:`pidcap`: the cap on a run's processes and threads (a pids cgroup).
- :mod:`mac` and :mod:`sealed`: signed results, test files off the disk.
- :mod:`procs`: the process tree: subreaper, finding and killing every process.
- :mod:`stacks`: every thread's stack of every process of a run.
"""

from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent / "site"  # the runs' sitecustomize
# Settings of the grader's own environment that a run must not inherit.
DROP_ENV = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTHONSTARTUP", "PYTHONINSPECT",
            "PYTHONHOME", "PYTHONSAFEPATH")
