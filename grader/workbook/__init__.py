"""The workbook: chapters and exercise notebooks generated from course.toml and
the jupytext sources in ``workbook/``, the nbgrader course directory, and the
grade cells' check (``nbcheck``). ``grader release`` (:mod:`grader.deploy`)
writes them."""
