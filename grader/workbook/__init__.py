"""The workbook: chapters and exercise notebooks generated from course.toml and
the jupytext sources in ``workbook/`` (``build``, checked by ``lint``), and
the check that the nbgrader course's grade cells run (``nbcheck``).
``grader release`` (:mod:`grader.deploy`) writes them."""
