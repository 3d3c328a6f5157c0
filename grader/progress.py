"""A student's progress in a working copy, for ``grader list``: each exercise
is missing, not started, edited (in its file or in its notebook), or checked
(the result of the last ``grader check``, as long as the files are unchanged
since).

The stubs' fingerprints come from ``.grader/stubs.json``, written into a
student bundle by ``grader release`` (there the working copy *is* the
exercises folder, so comparing it with the course's stubs would compare it
with itself); in the course's own checkout they are computed from the stubs.
Each ``grader check`` records its result in ``<working copy>/.grader-checks.json``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from grader.course import Course, Exercise
from grader.discover import temp_folder
from grader.model import ExerciseResult, Status
from grader.notebook import digest, exercise_files
from grader.reports.atomic import write_text

STUBS_FILE = Path(".grader") / "stubs.json"  # in a student bundle: slug -> file -> digest
CHECKS_FILE = ".grader-checks.json"  # in a working copy: slug -> the last check


def stub_digests(course: Course) -> dict[str, dict[str, str]]:
    """slug -> file name -> the digest of the untouched stub."""
    try:
        return json.loads((course.root / STUBS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    found: dict[str, dict[str, str]] = {}
    for exercise in course.exercises.values():
        for name, path in exercise.stub_files().items():
            try:
                found.setdefault(exercise.slug, {})[name] = digest(path.read_text("utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
    return found


def write_stub_digests(course: Course, root: Path) -> None:
    """Record the course's stubs in a bundle being released into ``root``."""
    write_text(root / STUBS_FILE, json.dumps(stub_digests(course), indent=1, sort_keys=True))


def _fingerprint(files: dict[str, Path]) -> str:
    h = hashlib.sha256()
    for name, path in sorted(files.items()):
        h.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _read_checks(folder: Path) -> dict[str, dict]:
    try:
        data = json.loads((folder / CHECKS_FILE).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


@dataclass(frozen=True)
class Progress:
    """Where one exercise stands in a working copy."""

    state: str  # "missing", "not started", "edited", "passing", "failing"
    detail: str = ""  # "notebook" (the work is in it), "3/4 public tests"

    def __str__(self) -> str:
        return f"{self.state} ({self.detail})" if self.detail else self.state


def progress(course: Course, exercise: Exercise, folder: Path,
             stubs: dict[str, dict[str, str]] | None = None) -> Progress:
    """Where ``exercise`` stands in the working copy ``folder``."""
    stubs = stub_digests(course) if stubs is None else stubs
    scratch = temp_folder()
    try:
        found = exercise_files(exercise, folder, scratch)
        if found.missing:
            return Progress("missing", ", ".join(found.missing))
        where = "notebook" if found.from_notebook else ""
        last = _read_checks(folder).get(exercise.slug)
        if isinstance(last, dict) and last.get("fingerprint") == _fingerprint(found.files):
            passed, total = int(last.get("passed", 0)), int(last.get("tests", 0))
            if last.get("status") == str(Status.PASSED):
                return Progress("passing", f"{total}/{total} public tests")
            return Progress("failing", f"{passed}/{total} public tests")
        mine = stubs.get(exercise.slug, {})
        untouched = not found.from_notebook and all(
            mine.get(name) == digest(path.read_text("utf-8", errors="replace"))
            for name, path in found.files.items())
        if untouched:
            return Progress("not started")
        return Progress("edited", where)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def record_check(exercise: Exercise, folder: Path, result: ExerciseResult) -> None:
    """Remember a ``grader check`` of ``exercise`` in the working copy ``folder``
    (nothing is recorded when the files are not all there)."""
    scratch = temp_folder()
    try:
        found = exercise_files(exercise, folder, scratch)
        if found.missing or not folder.is_dir():
            return
        checks = _read_checks(folder)
        checks[exercise.slug] = {
            "fingerprint": _fingerprint(found.files), "status": str(result.status),
            "passed": sum(t.status is Status.PASSED for t in result.tests),
            "tests": len(result.tests)}
        try:
            write_text(folder / CHECKS_FILE, json.dumps(checks, indent=1, sort_keys=True))
        except OSError:
            pass  # a read-only working copy: the check itself still counts
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
