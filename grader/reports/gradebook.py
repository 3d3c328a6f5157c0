"""gradebook.csv: student, one column of points per exercise, total."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from grader.model import StudentResult
from grader.reports.atomic import write_text


def _points(value: float) -> str:
    return f"{value:g}"


def render(results: list[StudentResult], slugs: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *slugs, "total"])
    for result in sorted(results, key=lambda r: r.student):
        row = [result.student]
        for slug in slugs:
            exercise = result.exercises.get(slug)
            row.append(_points(exercise.score) if exercise else "")
        row.append(_points(result.score))
        writer.writerow(row)
    return buffer.getvalue()


def write(path: Path, results: list[StudentResult], slugs: list[str]) -> None:
    write_text(path, render(results, slugs))
