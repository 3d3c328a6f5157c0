"""An autograder for Python concurrency exercises.

The package reads like the architecture: ``course`` (course.toml as data),
``discover`` (submissions and the files in them), ``runner`` (isolated child
processes, the wall clock, the process tree), ``plugin`` (the pytest plugin,
the only bridge from the child), ``grade`` (scoring into ``model``, the one
results model), ``reports`` (every output format), ``validate`` (the course
checks itself), ``testing`` (helpers for exercise authors) and ``cli``.
"""

__version__ = "0.1.0"
