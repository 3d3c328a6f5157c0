"""Spreading a class over machines: ``--shard I/N`` grades a deterministic
slice of the students, and ``grader merge DIR...`` combines the slices'
results into one set of reports, as one unsharded grading would have written
them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from grader.discover import Submission, SubmissionError
from grader.model import StudentResult
from grader.reports import results_json
from grader.reports.atomic import safe_name, write_text

GRADED_FILE = "graded.json"  # what a grading covered: its exercises and its shard


def parse(text: str) -> tuple[int, int]:
    """``"I/N"`` as (I, N), 1 <= I <= N."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise SubmissionError(f"--shard {text!r}: write I/N with 1 <= I <= N, e.g. --shard 2/3")
    return int(match[1]), int(match[2])


def select(submissions: list[Submission], index: int, count: int) -> list[Submission]:
    """Shard ``index`` of ``count``: every count-th student by name, from the
    index-th on. The same class gives the same slices on every machine."""
    ordered = sorted(submissions, key=lambda s: s.student)
    return ordered[index - 1::count]


def write_graded(out: Path, slugs: list[str], shard: str | None, students: list[str],
                 assignment: str = "") -> None:
    write_text(out / GRADED_FILE, json.dumps(
        {"assignment": assignment or None, "exercises": slugs, "shard": shard,
         "students": students}, indent=2) + "\n")


def read_dir(folder: Path) -> tuple[list[StudentResult], list[str]]:
    """The results a grading wrote into ``folder``, and its exercises."""
    marker = folder / GRADED_FILE
    if not marker.is_file():
        raise SubmissionError(f"{folder}: not the output of `grader grade` (no {GRADED_FILE})")
    try:
        graded = json.loads(marker.read_text(encoding="utf-8"))
        results = [results_json.read(folder / safe_name(name) / "results.json")
                   for name in graded["students"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SubmissionError(f"{folder}: cannot read its results ({exc}); grade it again")
    return results, list(graded["exercises"])


def merge(folders: list[Path]) -> tuple[list[StudentResult], list[str]]:
    """Every folder's results as one class; a student graded twice is an error."""
    results: dict[str, tuple[StudentResult, Path]] = {}
    slugs: dict[str, None] = {}  # in the order the gradings listed them
    for folder in folders:
        found, exercises = read_dir(folder)
        slugs.update(dict.fromkeys(exercises))
        for result in found:
            if result.student in results:
                raise SubmissionError(f"student {result.student!r} is in both "
                                      f"{results[result.student][1]} and {folder}: merge "
                                      "each shard once")
            results[result.student] = (result, folder)
    return sorted((r for r, _ in results.values()), key=lambda r: r.student), list(slugs)
