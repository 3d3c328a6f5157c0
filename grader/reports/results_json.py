"""results.json: one student's results, as documented in docs/results.md."""

from __future__ import annotations

import json
from pathlib import Path

from grader.model import StudentResult
from grader.reports.atomic import write_text


def render(result: StudentResult) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def write(path: Path, result: StudentResult) -> None:
    write_text(path, render(result))


def read(path: Path) -> StudentResult:
    return StudentResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
