"""Finding submissions and the exercise files inside them.

A class folder holds one sub-folder or ``.zip`` per student, named by the
student. Inside a submission, an exercise's file is found by its name wherever
it sits (a whole working copy, or the edited files alone, flat).
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SKIP_DIRS = {".git", ".hg", ".venv", "venv", "__pycache__", "node_modules",
             ".ipynb_checkpoints", "site-packages", "__MACOSX", ".pytest_cache"}


class SubmissionError(Exception):
    """A submission cannot be read; the message says why, in one line."""


@dataclass(frozen=True)
class Submission:
    """One student's submission: a folder (a zip is extracted first)."""

    student: str
    path: Path


def find_submissions(folder: Path) -> list[Submission]:
    """Every student's submission in a class folder, sorted by name."""
    if not folder.is_dir():
        raise SubmissionError(f"{folder}: not a folder of submissions")
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            found.append(Submission(entry.name, entry))
        elif entry.suffix == ".zip":
            found.append(Submission(entry.stem, entry))
    return found


def unpack(submission: Submission, into: Path) -> Path:
    """The submission as a folder: zips are extracted under ``into``, refusing
    any member that would land outside it."""
    if submission.path.is_dir():
        return submission.path
    target = into / "unzipped"
    target.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(submission.path) as archive:
            for member in archive.infolist():
                name = PurePosixPath(member.filename)
                if name.is_absolute() or ".." in name.parts:
                    continue  # never extract outside the folder
                if member.is_dir():
                    continue
                dest = target.joinpath(*name.parts)
                dest.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"{submission.path.name}: cannot read the zip file: {exc}")
    return target


def find_file(root: Path, name: str) -> Path | None:
    """The file called ``name`` nearest to the top of ``root`` (ties: first in
    sorted order), skipping tool folders; None if there is none."""
    if root.is_file():
        return root if root.name == name else None
    best: tuple[int, str, Path] | None = None
    for path in root.rglob(name):
        rel = path.relative_to(root)
        if any(part in SKIP_DIRS for part in rel.parts[:-1]) or not path.is_file():
            continue
        key = (len(rel.parts), str(rel), path)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best else None


def temp_folder() -> Path:
    """A fresh folder for unpacking, removed by the caller."""
    return Path(tempfile.mkdtemp(prefix="grader-sub-"))
