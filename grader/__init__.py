"""An autograder for Python concurrency exercises.

The package reads like the architecture: ``course`` (course.toml as data:
exercises and assignments), ``discover`` (submissions and the files in them),
``notebook`` (code from notebooks), ``runner`` (isolated child processes, the
wall clock, the process tree), ``plugin`` (the pytest plugin, the only bridge
from the child), ``grade`` (scoring into ``model``, the one results model),
``batch`` (a class, in parallel, cached), ``reports`` (every output format),
``validate`` (the course checks itself), ``progress`` (a student's progress),
``testing`` (helpers for exercise authors), ``workbook`` (chapters, notebooks,
nbgrader), ``deploy`` (``grader release``) and ``cli``.
"""

__version__ = "0.1.0"
