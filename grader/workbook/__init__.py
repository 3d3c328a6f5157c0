"""The workbook: chapters and exercise notebooks generated from course.toml and
the jupytext sources in ``workbook/``, the student bundle, and the nbgrader
course directory (``grader release``)."""
