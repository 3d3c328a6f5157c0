"""Report formats, each rendered from the one results model (grader.model).

- :mod:`atomic`: every output file is written whole or not at all.
- :mod:`results_json`: ``results.json`` per student (documented in docs/results.md).
- :mod:`feedback`: ``feedback.md`` per student.
- :mod:`gradebook`: ``gradebook.csv`` for the class.
- :mod:`junit`: ``junit.xml`` for CI.
- :mod:`table`: the terminal tables (rich).
"""

from __future__ import annotations

from pathlib import Path

from grader.model import StudentResult
from grader.reports import feedback, gradebook, junit, results_json
from grader.reports.atomic import safe_name


def write_all(out: Path, results: list[StudentResult], slugs: list[str]) -> None:
    """Write every report of a graded class into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for result in results:
        folder = out / safe_name(result.student)
        folder.mkdir(exist_ok=True)
        results_json.write(folder / "results.json", result)
        feedback.write(folder / "feedback.md", result)
    gradebook.write(out / "gradebook.csv", results, slugs)
    junit.write(out / "junit.xml", results)
