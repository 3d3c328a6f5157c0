"""Report formats, each rendered from the one results model (grader.model).

- :mod:`atomic`: every output file is written whole or not at all.
- :mod:`results_json`: ``results.json`` per student (documented in docs/results.md).
- :mod:`student`: what a student may read (plain words; hidden tests' source removed).
- :mod:`feedback`: ``feedback.md`` and ``feedback.html`` per student.
- :mod:`gradebook`: ``gradebook.csv`` for the class.
- :mod:`junit`: ``junit.xml`` for CI.
- :mod:`html`: ``report.html`` (class overview) and ``<student>/report.html``.
- :mod:`gradescope`: ``<student>/gradescope.json`` in Gradescope's format.
- :mod:`github`: step summary and error annotations for GitHub Actions.
- :mod:`table`: the terminal tables (rich).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from grader.model import StudentResult
from grader.reports import (
    feedback,
    github,
    gradebook,
    gradescope,
    html,
    junit,
    results_json,
    student,
)
from grader.reports.atomic import safe_name, write_text

# Every format `--format` can name; results.json is always written.
FORMATS = ("feedback", "gradebook", "junit", "html", "gradescope", "github")
DEFAULT_FORMATS = ("feedback", "gradebook", "junit", "html")


def parse_formats(text: str | None) -> tuple[str, ...]:
    """``--format`` (comma-separated, or ``all``) as a tuple of formats."""
    if not text:
        return DEFAULT_FORMATS
    names = [n.strip() for n in text.split(",") if n.strip()]
    if names == ["all"]:
        return FORMATS
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise ValueError(f"unknown report format {unknown[0]!r}; choose from "
                         f"{', '.join(FORMATS)} or all")
    return tuple(names)


def write_all(out: Path, results: list[StudentResult], slugs: list[str],
              formats: Iterable[str] = DEFAULT_FORMATS,
              hidden_files: Iterable[Path] = (),
              groups: dict[str, list[str]] | None = None) -> None:
    """Write the reports of a graded class into ``out``: results.json per
    student always, and each of ``formats``. ``hidden_files`` are the hidden
    tests, whose lines never appear in what students read; ``groups`` the
    assignments (name -> slugs), for the class report's table."""
    formats = set(formats)
    redact = student.Redactor(hidden_files)
    out.mkdir(parents=True, exist_ok=True)
    for result in results:
        folder = out / safe_name(result.student)
        folder.mkdir(exist_ok=True)
        results_json.write(folder / "results.json", result)
        if "feedback" in formats:
            feedback.write(folder / "feedback.md", result, redact)
            feedback.write_html(folder / "feedback.html", result, redact)
        if "gradescope" in formats:
            gradescope.write(folder / "gradescope.json", result, redact)
    if "gradebook" in formats:
        gradebook.write(out / "gradebook.csv", results, slugs)
    if "junit" in formats:
        junit.write(out / "junit.xml", results)
    if "html" in formats:
        html.write(out, results, slugs, with_feedback="feedback" in formats, groups=groups)
    if "github" in formats:
        write_text(out / "summary.md", github.summary(results, slugs, redact))
