"""Terminal tables (rich) for the gradebook, one student's tests, and validate."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from grader.model import Status, StudentResult

_STYLE = {Status.PASSED: "green", Status.FAILED: "red", Status.ERROR: "magenta",
          Status.TIMEOUT: "yellow", Status.MISSING: "dim", Status.DEADLOCK: "red bold",
          Status.STALL: "red bold", Status.POTENTIAL_DEADLOCK: "red", Status.RACE: "red",
          Status.CRASH: "magenta bold", Status.RESOURCE: "magenta",
          Status.BLOCKED_LOOP: "red bold", Status.NEVER_AWAITED: "red", Status.SERIAL: "red"}


def _cell(result: StudentResult, slug: str) -> str:
    ex = result.exercises.get(slug)
    if ex is None:
        return ""
    style = _STYLE.get(ex.status, "red")
    note = "" if ex.status is Status.PASSED else f" {ex.status}"
    return f"[{style}]{ex.score:g}{note}[/]"


def gradebook(results: list[StudentResult], slugs: list[str], width: int = 200) -> Table:
    """Students by exercises; turned around (exercises by students) when the
    exercises would not fit the terminal but the students do."""
    results = sorted(results, key=lambda r: r.student)
    if 12 * (len(slugs) + 2) > width and 12 * (len(results) + 1) <= width:
        table = Table(title="Gradebook")
        table.add_column("exercise")
        for result in results:
            table.add_column(escape(result.student), justify="right")
        for slug in slugs:
            table.add_row(slug, *(_cell(r, slug) for r in results))
        table.add_row("[bold]total[/]", *(f"[bold]{r.score:g} / {r.max_score:g}[/]"
                                          for r in results))
        return table
    table = Table(title="Gradebook")
    table.add_column("student")
    for slug in slugs:
        table.add_column(slug, justify="right")
    table.add_column("total", justify="right", style="bold")
    for result in results:
        table.add_row(escape(result.student), *(_cell(result, slug) for slug in slugs),
                      f"{result.score:g} / {result.max_score:g}")
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
