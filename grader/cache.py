"""Results cached by content: a (submission, exercise) run is keyed by the
bytes of the student's files for that exercise, the course version, the
exercise's tests and limits, and how it is graded. An unchanged regrade reads
the stored result instead of running again; every entry is written atomically
the moment its run finishes, so an interrupted grading loses nothing that
finished."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import grader
from grader.course import Course, Exercise
from grader.grade import Options, test_files
from grader.model import ExerciseResult
from grader.reports.atomic import write_text
from grader.runner.protocol import CollectedTest

CACHE_DIR = ".grader-cache"  # inside the output folder


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def exercise_key(course: Course, exercise: Exercise, options: Options) -> str:
    """What every run of ``exercise`` shares: the grader's and course's version,
    the exercise's entry (points, limits), its tests' content, the options."""
    entry = {k: v for k, v in asdict(exercise).items() if k != "root"}
    data = {"grader": grader.__version__, "course": course.version,
            "exercise": json.loads(json.dumps(entry, default=str)),
            "tests": {p.name: _digest(p) for p in test_files(exercise, options.hidden)},
            "stub": {n: _digest(p) for n, p in exercise.stub_files().items() if p.is_file()},
            "hidden": options.hidden, "seed": options.seed}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def run_key(exercise_part: str, files: dict[str, Path | None],
            notes: list[str] | None = None) -> str:
    """One run's key: the exercise's part and the content of each of the
    student's files (None: not in the submission), and what finding them
    noted (which of a .py file and its notebook cell is graded)."""
    data = {"exercise": exercise_part,
            "files": {name: _digest(p) if p is not None else None
                      for name, p in sorted(files.items())},
            "notes": notes or []}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class ResultCache:
    """Finished runs' results under ``OUT/.grader-cache``, one file per key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, slug: str) -> ExerciseResult | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            return ExerciseResult.from_dict(slug, data)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent, or unreadable: grade again

    def put(self, key: str, result: ExerciseResult) -> None:
        write_text(self._path(key), json.dumps(result.to_dict(), ensure_ascii=False))

    def get_collected(self, key: str) -> list[CollectedTest] | None:
        """An exercise's expected tests, stored under its :func:`exercise_key`."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            return [CollectedTest(**t) for t in data["collected"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put_collected(self, key: str, tests: list[CollectedTest]) -> None:
        write_text(self._path(key), json.dumps({"collected": [asdict(t) for t in tests]}))
