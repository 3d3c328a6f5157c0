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


def student_folder(out: Path, result: StudentResult) -> Path:
    """Where one student's files go in a grading's output folder."""
    return out / safe_name(result.student)


def write_student(folder: Path, result: StudentResult, redact: student.Redactor,
                  formats: Iterable[str] = DEFAULT_FORMATS) -> None:
    """The one writer of a student's files: results.json always; feedback.md and
    feedback.html (``feedback``), gradescope.json (``gradescope``) and the
    instructor's page report.html (``html``) as ``formats`` ask. What a
    student reads goes through ``redact`` (the hidden tests' lines removed)."""
    formats = set(formats)
    folder.mkdir(parents=True, exist_ok=True)
    results_json.write(folder / "results.json", result)
    if "feedback" in formats:
        feedback.write(folder / "feedback.md", result, redact)
        feedback.write_html(folder / "feedback.html", result, redact)
    if "gradescope" in formats:
        gradescope.write(folder / "gradescope.json", result, redact)
    if "html" in formats:
        html.write_student(folder, result, with_feedback="feedback" in formats)


def write_class(out: Path, results: list[StudentResult], slugs: list[str],
                formats: Iterable[str] = DEFAULT_FORMATS,
                redact: student.Redactor | None = None,
                groups: dict[str, list[str]] | None = None) -> None:
    """The class's own reports (gradebook, JUnit, report.html, summary.md) as
    ``formats`` ask; ``groups`` are the assignments (name -> slugs), for the
    class report's table."""
    formats = set(formats)
    out.mkdir(parents=True, exist_ok=True)
    if "gradebook" in formats:
        gradebook.write(out / "gradebook.csv", results, slugs)
    if "junit" in formats:
        junit.write(out / "junit.xml", results)
    if "html" in formats:
        html.write_overview(out, results, slugs, with_feedback="feedback" in formats,
                            groups=groups)
    if "github" in formats:
        write_text(out / "summary.md", github.summary(results, slugs, redact))


def write_all(out: Path, results: list[StudentResult], slugs: list[str],
              formats: Iterable[str] = DEFAULT_FORMATS,
              hidden_files: Iterable[Path] = (),
              groups: dict[str, list[str]] | None = None) -> None:
    """Every report of a graded class into ``out``: each student's files and
    the class's. ``hidden_files`` are the hidden tests, whose lines never
    appear in what students read."""
    redact = student.Redactor(hidden_files)
    for result in results:
        write_student(student_folder(out, result), result, redact, formats)
    write_class(out, results, slugs, formats, redact, groups)
