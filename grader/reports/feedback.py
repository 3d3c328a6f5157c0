"""feedback.md and feedback.html: what a student reads. The score, then per
exercise and per failed test: what happened in plain words, what was
expected, what to try, and the test's own message. Hidden tests show their
name and message, never their source (see :mod:`grader.reports.student`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.model import ExerciseResult, Status, StudentResult
from grader.reports import student, timeline
from grader.reports.atomic import write_text
from grader.reports.templates import render_template

CAPPED = ("A test that carries this exercise's lesson failed (marked *lesson* below): the "
          "exercise counts for at most half its points until it passes.")


def _test_view(ex: ExerciseResult, test: Any, redact: student.Redactor) -> dict[str, Any]:
    why = student.explain(test.status, ex, test)
    message = redact(test.message).rstrip()
    claim = student.assertion(message)
    expected = why.expected
    if claim:  # the author's words say it better than a generic sentence
        expected = (f"The test says: {claim}" if test.status is Status.FAILED
                    else f"{expected} The test says: {claim}")
    drawn = timeline.of(test.status, test.diagnosis)
    return {"name": test.name, "hidden": test.hidden, "lesson": test.lesson,
            "status": str(test.status), "diagnosis": test.diagnosis,
            "timeline": timeline.text(drawn, str(test.status)) if drawn else "",
            "max_score": test.max_score, "happened": why.happened, "expected": expected,
            "to_try": why.to_try, "message": message}


def exercise_view(ex: ExerciseResult, redact: student.Redactor) -> dict[str, Any]:
    """One exercise as a student sees it."""
    failed = student.failed_tests(ex)
    why = student.explain(ex.status, ex) if ex.status is not Status.PASSED else None
    return {
        "slug": ex.slug, "score": ex.score, "max_score": ex.max_score,
        "status": str(ex.status), "passed": ex.status is Status.PASSED,
        "n_passed": sum(t.status is Status.PASSED for t in ex.tests), "n_tests": len(ex.tests),
        "message": redact(ex.message).rstrip(), "why": why,
        "tests": [_test_view(ex, t, redact) for t in failed],
        "seed": ex.seed if failed and ex.seed is not None else None,
        "capped": CAPPED if ex.capped else "",
    }


def view(result: StudentResult, redact: student.Redactor | None = None) -> dict[str, Any]:
    """The whole feedback as data, for both the Markdown and the HTML."""
    redact = redact or student.Redactor()
    return {"student": result.student, "score": result.score, "max_score": result.max_score,
            "assignment": result.assignment,
            "message": redact(result.message), "exercises": [
                exercise_view(ex, redact) for ex in result.exercises.values()]}


def _fence(text: str) -> list[str]:
    fence = "````" if "```" in text else "```"
    return [fence, text, fence, ""]


def render(result: StudentResult, redact: student.Redactor | None = None) -> str:
    data = view(result, redact)
    lines = [f"# Feedback for {data['student']}", ""]
    if data["assignment"]:
        lines += [f"Assignment `{data['assignment']}`", ""]
    lines += [f"**Score: {data['score']:g} / {data['max_score']:g}**", ""]
    if data["message"]:
        lines += [f"> {data['message']}", ""]
    lines += ["| exercise | points | status |", "|---|---|---|"]
    lines += [f"| {ex['slug']} | {ex['score']:g} / {ex['max_score']:g} | {ex['status']} |"
              for ex in data["exercises"]]
    lines.append("")
    for ex in data["exercises"]:
        icon = "✅" if ex["passed"] else "❌"
        lines += [f"## {icon} {ex['slug']}: {ex['score']:g} / {ex['max_score']:g} "
                  f"({ex['status']})", ""]
        if ex["why"] and not ex["tests"]:
            lines += [f"**What happened:** {ex['why'].happened}",
                      f"**What to try:** {ex['why'].to_try}", ""]
        if ex["message"]:
            lines += _fence(ex["message"])
        lines += [f"{ex['n_passed']} of {ex['n_tests']} tests passed.", ""]
        if ex["capped"]:
            lines += [f"**{ex['capped']}**", ""]
        for test in ex["tests"]:
            kind = ("hidden test" if test["hidden"] else "test") + (
                ", lesson" if test["lesson"] else "")
            lines += [f"### {test['name']} ({kind}, {test['status']}, "
                      f"0 / {test['max_score']:g})", "",
                      f"- **What happened:** {test['happened']}",
                      f"- **What was expected:** {test['expected']}",
                      f"- **What to try:** {test['to_try']}", ""]
            if test["message"]:
                lines += _fence(test["message"])
            if test["timeline"]:
                lines += _fence(test["timeline"])
        if ex["seed"] is not None:
            lines += [f"Seed of this run: {ex['seed']} (`grader check {ex['slug']} --seed "
                      f"{ex['seed']}` replays the same interleaving).", ""]
    return "\n".join(lines).rstrip() + "\n"


def render_html(result: StudentResult, redact: student.Redactor | None = None) -> str:
    return render_template("feedback.html.j2", **view(result, redact))


def write(path: Path, result: StudentResult, redact: student.Redactor | None = None) -> None:
    write_text(path, render(result, redact))


def write_html(path: Path, result: StudentResult,
               redact: student.Redactor | None = None) -> None:
    write_text(path, render_html(result, redact))
