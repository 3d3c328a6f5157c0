"""Terminal tables (rich) for the gradebook, one student's tests, and validate."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from grader.model import Status, StudentResult

_STYLE = {Status.PASSED: "green", Status.FAILED: "red", Status.ERROR: "magenta",
          Status.TIMEOUT: "yellow", Status.MISSING: "dim"}


def gradebook(results: list[StudentResult], slugs: list[str]) -> Table:
    table = Table(title="Gradebook")
    table.add_column("student")
    for slug in slugs:
        table.add_column(slug, justify="right")
    table.add_column("total", justify="right", style="bold")
    for result in sorted(results, key=lambda r: r.student):
        cells = []
        for slug in slugs:
            ex = result.exercises.get(slug)
            if ex is None:
                cells.append("")
                continue
            style = _STYLE.get(ex.status, "red")
            note = "" if ex.status is Status.PASSED else f" {ex.status}"
            cells.append(f"[{style}]{ex.score:g}{note}[/]")
        table.add_row(escape(result.student), *cells, f"{result.score:g} / {result.max_score:g}")
    return table


def tests(result: StudentResult) -> Table:
    table = Table(title=f"{result.student}: {result.score:g} / {result.max_score:g}")
    for name in ("exercise", "test", "status", "points"):
        table.add_column(name)
    for slug, ex in result.exercises.items():
        for test in ex.tests:
            style = _STYLE.get(test.status, "red")
            table.add_row(slug, escape(test.name), f"[{style}]{test.status}[/]",
                          f"{test.score:g} / {test.max_score:g}")
    return table


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)
