"""Deployment: what ``grader release`` writes for each way a course runs.

- :mod:`bundle`: the grader as an installable package, and the course (or one
  assignment of it) as course.toml plus folders.
- :mod:`release`: the release folder: the student bundle, the grading copy,
  the nbgrader course, a Gradescope autograder zip and a GitHub Classroom
  template repository per assignment.
- :mod:`nbgrader`: the nbgrader course directory.
- :mod:`gradescope`, :mod:`classroom`: the zips and the templates.
- ``files/``: Gradescope's ``setup.sh`` and ``run_autograder``, the Classroom
  workflow ``grade.yml``.
"""
