"""report.html: the class overview (score distribution per exercise as an
inline SVG chart, the most common diagnoses, a table of students) linking to
a page per student (``<student>/report.html``) with each failed test, its
diagnosis and stacks. For instructors: nothing is hidden. No scripts, no
network: the files open anywhere."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from grader.model import ExerciseResult, Status, StudentResult, worst
from grader.reports.atomic import safe_name, write_text
from grader.reports.templates import render_template

# Buckets of the score chart, in drawing order: (key, label, colour).
BUCKETS = [("full", "full marks", "#2da44e"), ("partial", "partly", "#d4a72c"),
           ("zero", "no points", "#cf222e"), ("missing", "not handed in", "#bbbbbb")]
BAR_WIDTH = 360
# More exercise columns than this and the students' table shows one column per
# assignment instead (it must fit a laptop's screen; each student's page has them all).
MAX_COLUMNS = 12


def _bucket(ex: ExerciseResult) -> str:
    if ex.status is Status.MISSING:
        return "missing"
    if ex.score >= ex.max_score:
        return "full"
    return "partial" if ex.score > 0 else "zero"


def distribution(results: list[StudentResult], slug: str) -> dict[str, Any]:
    """How the class did on one exercise: students per bucket, the mean, and
    the bar's segments (x, width) for the chart."""
    graded = [r.exercises[slug] for r in results if slug in r.exercises]
    counts = Counter(_bucket(ex) for ex in graded)
    total = len(graded)
    segments, x = [], 0.0
    for key, label, colour in BUCKETS:
        n = counts.get(key, 0)
        width = BAR_WIDTH * n / total if total else 0.0
        if n:
            segments.append({"key": key, "label": label, "colour": colour, "n": n,
                             "x": round(x, 1), "width": round(width, 1)})
        x += width
    mean = sum(ex.score for ex in graded) / total if total else 0.0
    max_score = graded[0].max_score if graded else 0.0
    return {"slug": slug, "total": total, "counts": {k: counts.get(k, 0) for k, *_ in BUCKETS},
            "mean": round(mean, 2), "max_score": max_score, "segments": segments}


def common_diagnoses(results: list[StudentResult], limit: int = 10) -> list[dict[str, Any]]:
    """What went wrong most often: (exercise, status) by the number of
    students it happened to, with the test it hit most. A file not handed in
    is no diagnosis: the chart shows those."""
    students: Counter[tuple[str, str]] = Counter()
    tests: dict[tuple[str, str], Counter[str]] = {}
    for result in results:
        for slug, ex in result.exercises.items():
            seen = set()
            for test in ex.tests:
                if test.status in (Status.PASSED, Status.MISSING):
                    continue
                key = (str(test.status), slug)
                tests.setdefault(key, Counter())[test.name] += 1
                seen.add(key)
            students.update(seen)
    rows = []
    for (status, slug), n in students.most_common(limit):
        name, hits = tests[(status, slug)].most_common(1)[0]
        rows.append({"status": status, "slug": slug, "students": n, "test": name,
                     "test_hits": hits})
    return rows


def link(student: str, page: str) -> str:
    return f"{quote(safe_name(student))}/{page}"


def columns(slugs: list[str], groups: dict[str, list[str]] | None) -> list[dict[str, Any]]:
    """The students' table's score columns: one per exercise, or one per
    assignment (``groups``: name -> its slugs) when the exercises are too many."""
    groups = {name: [s for s in members if s in slugs] for name, members in (groups or {}).items()}
    groups = {name: members for name, members in groups.items() if members}
    rest = [s for s in slugs if not any(s in members for members in groups.values())]
    if rest:
        groups["other"] = rest
    if len(slugs) <= MAX_COLUMNS or len(groups) < 2:
        return [{"key": s, "label": s, "slugs": [s], "check": "exercise-score"} for s in slugs]
    return [{"key": name, "label": name, "slugs": members, "check": "assignment-score"}
            for name, members in groups.items()]


def _cell(result: StudentResult, column: dict[str, Any]) -> dict[str, Any] | None:
    graded = [result.exercises[s] for s in column["slugs"] if s in result.exercises]
    if not graded:
        return None
    status = worst([ex.status for ex in graded])
    score = round(sum(ex.score for ex in graded), 2)
    title = "; ".join(f"{ex.slug}: {ex.score:g} / {ex.max_score:g} ({ex.status})"
                      for ex in graded)
    return {"key": column["key"], "check": column["check"], "score": score,
            "max_score": round(sum(ex.max_score for ex in graded), 2), "status": str(status),
            "title": title}


def overview(results: list[StudentResult], slugs: list[str], with_feedback: bool = True,
             groups: dict[str, list[str]] | None = None) -> dict[str, Any]:
    results = sorted(results, key=lambda r: r.student)
    totals = [r.score for r in results]
    score_columns = columns(slugs, groups)
    return {
        "n_students": len(results), "slugs": slugs, "bar_width": BAR_WIDTH,
        "columns": score_columns,
        "buckets": BUCKETS,
        "mean": round(sum(totals) / len(totals), 2) if totals else 0.0,
        "max_score": max((r.max_score for r in results), default=0.0),
        "distributions": [distribution(results, slug) for slug in slugs],
        "diagnoses": common_diagnoses(results),
        "students": [{"name": r.student, "score": r.score, "max_score": r.max_score,
                      "link": link(r.student, "report.html"),
                      "feedback": link(r.student, "feedback.html") if with_feedback else "",
                      "cells": [_cell(r, c) for c in score_columns],
                      "failed": sum(t.status is not Status.PASSED
                                    for ex in r.exercises.values() for t in ex.tests)}
                     for r in results],
    }


def render_overview(results: list[StudentResult], slugs: list[str],
                    with_feedback: bool = True,
                    groups: dict[str, list[str]] | None = None) -> str:
    return render_template("report.html.j2", **overview(results, slugs, with_feedback, groups))


def render_student(result: StudentResult, with_feedback: bool = True) -> str:
    return render_template("student.html.j2", student=result.student, score=result.score,
                           with_feedback=with_feedback, assignment=result.assignment,
                           max_score=result.max_score, message=result.message,
                           exercises=list(result.exercises.values()),
                           passed=Status.PASSED)


def write_student(folder: Path, result: StudentResult, with_feedback: bool = True) -> None:
    """``<student>/report.html`` (linking to the student's feedback.html when
    it is written too)."""
    write_text(folder / "report.html", render_student(result, with_feedback))


def write_overview(out: Path, results: list[StudentResult], slugs: list[str],
                   with_feedback: bool = True,
                   groups: dict[str, list[str]] | None = None) -> None:
    """``out/report.html``, linking to each student's page."""
    write_text(out / "report.html", render_overview(results, slugs, with_feedback, groups))


def write(out: Path, results: list[StudentResult], slugs: list[str],
          with_feedback: bool = True, groups: dict[str, list[str]] | None = None) -> None:
    """``out/report.html`` and every ``out/<student>/report.html``."""
    for result in results:
        write_student(out / safe_name(result.student), result, with_feedback)
    write_overview(out, results, slugs, with_feedback, groups)
