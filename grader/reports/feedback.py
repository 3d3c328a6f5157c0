"""feedback.md: what a student reads: the score, then each exercise, then each
failed test with what went wrong. Hidden tests' source is never shown."""

from __future__ import annotations

from pathlib import Path

from grader.model import ExerciseResult, Status, StudentResult
from grader.reports.atomic import write_text

_ADVICE = {
    Status.MISSING: "Hand in the file with exactly this name.",
    Status.ERROR: "Run `python FILE` yourself: it must import without errors.",
    Status.TIMEOUT: "A test never finished. Look at where each thread was stuck: usually "
                    "a thread waits for a lock, a condition or a queue item that nobody "
                    "will ever release, notify or put.",
    Status.FAILED: "Read what each failed test expected, then run `grader check SLUG`.",
}


def _fence(text: str) -> str:
    text = text.rstrip()
    fence = "````" if "```" in text else "```"
    return f"{fence}\n{text}\n{fence}\n"


def _exercise(ex: ExerciseResult) -> list[str]:
    icon = "✅" if ex.status is Status.PASSED else "❌"
    lines = [f"## {icon} {ex.slug}: {ex.score:g} / {ex.max_score:g} ({ex.status})", ""]
    if ex.status is not Status.PASSED:
        advice = _ADVICE.get(ex.status, _ADVICE[Status.FAILED]).replace("SLUG", ex.slug)
        lines += [advice, ""]
    if ex.message:
        lines += [_fence(ex.message)]
    failed = [t for t in ex.tests if t.status is not Status.PASSED]
    if ex.status in (Status.MISSING, Status.ERROR):
        failed = []  # one message says it all
    passed = len(ex.tests) - len([t for t in ex.tests if t.status is not Status.PASSED])
    lines.append(f"{passed} of {len(ex.tests)} tests passed.")
    lines.append("")
    for test in failed:
        kind = "hidden test" if test.hidden else "test"
        lines += [f"### {test.name} ({kind}, {test.status}, 0 / {test.max_score:g})", ""]
        if test.message:
            lines.append(_fence(test.message))
    if ex.seed is not None and failed:
        lines += [f"Seed of this run: {ex.seed} (`grader check {ex.slug} --seed {ex.seed}` "
                  "replays it).", ""]
    return lines


def render(result: StudentResult) -> str:
    lines = [f"# Feedback for {result.student}", "",
             f"**Score: {result.score:g} / {result.max_score:g}**", ""]
    if result.message:
        lines += [f"> {result.message}", ""]
    lines += ["| exercise | points | status |", "|---|---|---|"]
    for ex in result.exercises.values():
        lines.append(f"| {ex.slug} | {ex.score:g} / {ex.max_score:g} | {ex.status} |")
    lines.append("")
    for ex in result.exercises.values():
        lines += _exercise(ex)
    return "\n".join(lines).rstrip() + "\n"


def write(path: Path, result: StudentResult) -> None:
    write_text(path, render(result))
