"""Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
one entry per test with its score, ``status`` passed/failed and, for a
failed test, the student-facing explanation and message (hidden tests'
source removed). Written as ``<student>/gradescope.json``; `run_autograder`
copies it to /autograder/results/results.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.model import Status, StudentResult
from grader.reports import feedback, student
from grader.reports.atomic import write_text


def _test_output(view: dict[str, Any]) -> str:
    lines = [f"What happened: {view['happened']}", f"What was expected: {view['expected']}",
             f"What to try: {view['to_try']}"]
    if view["message"]:
        lines += ["", view["message"]]
    return "\n".join(lines)


def results(result: StudentResult, redact: student.Redactor | None = None) -> dict[str, Any]:
    redact = redact or student.Redactor()
    tests = []
    for number, ex in enumerate(result.exercises.values(), 1):
        failed = {t["name"]: t for t in feedback.exercise_view(ex, redact)["tests"]}
        for index, test in enumerate(ex.tests, 1):
            entry: dict[str, Any] = {
                "name": f"{ex.slug}: {test.name}", "number": f"{number}.{index}",
                "score": test.score, "max_score": test.max_score,
                "status": "passed" if test.status is Status.PASSED else "failed",
                "tags": [ex.slug, str(test.status)] + (["hidden"] if test.hidden else []),
                "visibility": "visible", "output_format": "text",
                "extra_data": {"status": str(test.status), "hidden": test.hidden}}
            if test.name in failed:
                entry["output"] = _test_output(failed[test.name])
            elif test.status is not Status.PASSED:  # the exercise's one message says it
                entry["output"] = redact(ex.message) or str(test.status)
            tests.append(entry)
    return {
        "score": result.score,
        "execution_time": round(sum(t.duration for ex in result.exercises.values()
                                    for t in ex.tests), 3),
        "output": feedback.render(result, redact), "output_format": "md",
        "test_output_format": "text", "test_name_format": "text",
        "visibility": "visible", "stdout_visibility": "hidden",
        "extra_data": {"student": result.student, "max_score": result.max_score},
        "tests": tests,
    }


def render(result: StudentResult, redact: student.Redactor | None = None) -> str:
    return json.dumps(results(result, redact), indent=2, ensure_ascii=False) + "\n"


def write(path: Path, result: StudentResult, redact: student.Redactor | None = None) -> None:
    write_text(path, render(result, redact))
