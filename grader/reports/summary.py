"""The summary at the end of a class grading (rich): per exercise, how many
passed, what went wrong most, the mean points; then what the grading did."""

from __future__ import annotations

from collections import Counter

from rich.table import Table

from grader.model import Status, StudentResult


def exercises(results: list[StudentResult], slugs: list[str]) -> Table:
    """One row per exercise: graded, passed, the most common other statuses, mean points."""
    grid = Table(title="Summary")
    for name in ("exercise", "graded", "passed", "most common problems", "mean points"):
        grid.add_column(name, justify="left" if name in ("exercise", "most common problems")
                        else "right")
    for slug in slugs:
        graded = [r.exercises[slug] for r in results if slug in r.exercises]
        if not graded:
            continue
        problems = Counter(str(e.status) for e in graded if e.status is not Status.PASSED)
        mean = sum(e.score for e in graded) / len(graded)
        grid.add_row(slug, str(len(graded)),
                     str(sum(e.status is Status.PASSED for e in graded)),
                     ", ".join(f"{status} {count}" for status, count in problems.most_common(3)),
                     f"{mean:.1f} / {graded[0].max_score:g}")
    return grid
