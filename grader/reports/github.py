"""GitHub Actions: a step summary in Markdown (appended to the file named by
``$GITHUB_STEP_SUMMARY``) and an error annotation per failed test
(``::error file=...,line=...,title=...::message`` workflow commands), pointing
at the student's file and, when known, the line where it went wrong."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from grader.model import SEVERITY, ExerciseResult, Status, StudentResult, TestResult
from grader.reports import feedback, student

# "race.py, line 13, in f" (the plugin's "In your code:") or "race.py:13" (diagnoses).
# GitHub shows at most 10 error annotations per step: the rest go into one last note.
MAX_ANNOTATIONS = 10
_LINE = re.compile(r"(?P<file>[\w.-]+\.py)(?:, line |:)(?P<line>\d+)")


def summary(results: list[StudentResult], slugs: list[str],
            redact: student.Redactor | None = None) -> str:
    """The step summary: a table of scores, then each student's feedback."""
    lines = ["## Grading results", "", "| student | " + " | ".join(slugs) + " | total |",
             "|---|" + "---:|" * (len(slugs) + 1)]
    for result in sorted(results, key=lambda r: r.student):
        cells = []
        for slug in slugs:
            ex = result.exercises.get(slug)
            cells.append("" if ex is None else f"{'✅' if ex.status is Status.PASSED else '❌'} "
                         f"{ex.score:g}")
        lines.append(f"| {result.student} | " + " | ".join(cells)
                     + f" | **{result.score:g} / {result.max_score:g}** |")
    lines.append("")
    for result in results:
        text = feedback.render(result, redact)
        body = text.split("\n", 1)[1] if "\n" in text else ""
        lines += [f"<details><summary>Feedback for {result.student}: {result.score:g} / "
                  f"{result.max_score:g}</summary>", "", body.strip(), "", "</details>", ""]
    return "\n".join(lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def where(ex: ExerciseResult, test: TestResult, files: list[str]) -> tuple[str, int | None]:
    """The student's file and line a failed test points at (line None when
    unknown)."""
    names = [Path(f).name for f in files]
    frames = [f for thread in (test.diagnosis.threads if test.diagnosis else ())
              for f in thread.frames]
    for frame in frames:
        if frame.file in names and frame.line:
            return files[names.index(frame.file)], frame.line
    for match in _LINE.finditer(test.message):
        if match["file"] in names:
            return files[names.index(match["file"])], int(match["line"])
    return (files[0] if files else f"{ex.slug}.py"), None


def annotations(result: StudentResult, locate: Callable[[str], list[str]],
                redact: student.Redactor | None = None) -> list[str]:
    """One ``::error`` command per failed test (one per exercise when the whole
    exercise failed to run). ``locate(slug)`` gives the student's files of an
    exercise, relative to the repository."""
    redact = redact or student.Redactor()
    commands = []
    exercises = sorted(result.exercises.values(), key=lambda e: SEVERITY.index(e.status))
    for ex in exercises:
        failed = student.failed_tests(ex)
        if ex.status is not Status.PASSED and not failed:
            file = (locate(ex.slug) or [f"{ex.slug}.py"])[0]
            why = student.explain(ex.status, ex)
            message = f"{why.happened}\n{redact(ex.message)}\n{why.to_try}"
            commands.append(f"::error file={_escape_property(file)},title="
                            f"{_escape_property(f'{ex.slug}: {ex.status}')}::"
                            f"{_escape_data(message.strip())}")
        for test in failed:
            file, line = where(ex, test, locate(ex.slug))
            why = student.explain(test.status, ex, test)
            message = f"{why.happened}\n{student.first_line(redact(test.message), 500)}\n" \
                      f"What to try: {why.to_try}"
            at = f",line={line}" if line else ""
            title = f"{ex.slug}: {test.name} ({test.status})"
            commands.append(f"::error file={_escape_property(file)}{at},title="
                            f"{_escape_property(title)}::{_escape_data(message)}")
    if len(commands) > MAX_ANNOTATIONS:
        rest = len(commands) - MAX_ANNOTATIONS + 1
        commands[MAX_ANNOTATIONS - 1:] = [
            f"::error title={_escape_property(f'{rest} more failed tests')}::"
            f"{_escape_data('GitHub shows 10 annotations per step: see the job summary.')}"]
    return commands


def write_summary(results: list[StudentResult], slugs: list[str],
                  redact: student.Redactor | None = None) -> Path | None:
    """Append the summary to ``$GITHUB_STEP_SUMMARY`` when it is set (GitHub
    reads that file once the step ends; appending is what it expects)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    with open(target, "a", encoding="utf-8") as f:
        f.write(summary(results, slugs, redact) + "\n")
    return Path(target)
