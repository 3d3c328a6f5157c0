"""Finding submissions and the exercise files inside them.

A class folder holds one sub-folder or ``.zip`` per student, named by the
student. Inside a submission, an exercise's file is found by its name wherever
it sits (a whole working copy, or the edited files alone, flat).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SKIP_DIRS = {".git", ".hg", ".venv", "venv", "__pycache__", "node_modules",
             ".ipynb_checkpoints", "site-packages", "__MACOSX", ".pytest_cache"}
MAX_SOURCE_MB = 2  # a student's source file larger than this is refused, not imported


class SubmissionError(Exception):
    """A submission cannot be read; the message says why, in one line."""


@dataclass(frozen=True)
class Submission:
    """One student's submission: a folder (a zip is extracted first), for
    the exercises graded (or, when ``exercises`` names them, for those only:
    a reference solution, a stub or a wrong answer is for one exercise)."""

    student: str
    path: Path
    exercises: tuple[str, ...] | None = None


def find_submissions(folder: Path) -> list[Submission]:
    """Every student's submission in a class folder, sorted by name."""
    if not folder.is_dir():
        raise SubmissionError(f"{folder}: not a folder of submissions")
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            found.append(Submission(readable(entry.name), entry))
        elif entry.suffix == ".zip":
            found.append(Submission(readable(entry.stem), entry))
    return found


def readable(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 shown as U+FFFD."""
    return os.fsencode(name).decode("utf-8", "replace")


def unpack(submission: Submission, into: Path, notes: list[str] | None = None) -> Path:
    """The submission as a folder: zips are extracted under ``into``, refusing
    any member that would land outside it (said in ``notes``)."""
    if submission.path.is_dir():
        return submission.path
    target = into / "unzipped"
    target.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(submission.path) as archive:
            for member in archive.infolist():
                name = PurePosixPath(member.filename)
                if name.is_absolute() or ".." in name.parts or ":" in name.parts[0]:
                    if notes is not None:  # never extract outside the folder
                        notes.append(f"{submission.path.name}: {readable(member.filename)!r} "
                                     "was not extracted: its path leads outside the zip's folder")
                    continue
                if member.is_dir():
                    continue
                dest = target.joinpath(*name.parts)
                dest.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"{submission.path.name}: cannot read the zip file: {exc}")
    return target


def assignment_folder(folder: Path, assignment: str) -> Path:
    """Where one assignment's files are in a submission: its own sub-folder
    when there is one (nbgrader's ``submitted/<student>/<assignment>/``, a
    working copy with a folder per assignment), else the whole submission."""
    if assignment and (folder / assignment).is_dir():
        return folder / assignment
    return folder


def find_file(root: Path, name: str) -> Path | None:
    """The file called ``name`` nearest to the top of ``root`` (ties: first in
    sorted order), skipping tool folders; None if there is none."""
    if root.is_file():
        return root if root.name == name else None
    best: tuple[int, str, Path] | None = None
    top = root.resolve()
    for path in root.rglob(name):
        rel = path.relative_to(root)
        if any(part in SKIP_DIRS for part in rel.parts[:-1]) or not path.is_file():
            continue
        if not path.resolve().is_relative_to(top):
            continue  # a link to outside the submission (the solution, a system file)
        key = (len(rel.parts), str(rel), path)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best else None


def why_missing(root: Path | None, name: str) -> str:
    """One line: why ``name`` was not found in a submission."""
    if root is None or not root.exists():
        return f"{name} was not found: the submission could not be read"
    if root.is_dir():
        if not any(root.iterdir()):
            return f"{name} was not found: the submission folder is empty"
        for path in root.rglob(name):
            if path.is_symlink() or not path.resolve().is_relative_to(root.resolve()):
                return (f"{name} is a link to a file outside the submission; submit the "
                        "file itself")
        notebook = Path(name).stem + ".ipynb"
        for path in root.rglob(notebook):
            return notebook_problem(path, name)
    return f"{name} was not found in the submission"


def notebook_problem(path: Path, name: str) -> str:
    """One line about a notebook handed in instead of ``name``."""
    try:
        json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        return (f"{path.name} is not a valid notebook (not JSON: {str(exc)[:80]}); "
                f"submit {name}, or a notebook saved by Jupyter")
    return f"{path.name} was handed in, but this exercise grades {name}"


def source_problem(path: Path) -> str | None:
    """One line if a student's source file cannot be graded as it is."""
    size = path.stat().st_size
    if size > MAX_SOURCE_MB * 1024 * 1024:
        return (f"{path.name} is {size / 1024 / 1024:.1f} MB; a source file may be at most "
                f"{MAX_SOURCE_MB} MB, so it was not run")
    return None


def temp_folder() -> Path:
    """A fresh folder for unpacking, removed by the caller."""
    return Path(tempfile.mkdtemp(prefix="grader-sub-"))
