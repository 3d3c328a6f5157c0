"""Notebook submissions: the student's code lives in the marked cells of
``<slug>.ipynb``, one cell per exercise file, found by its nbgrader ``grade_id``.

The curriculum's rule is ``<slug>.ipynb`` where there is no ``<slug>.py``. A
student bundle ships both, so one refinement: a ``.py`` that is still the
untouched stub (its hash is recorded in the notebook's cell metadata) gives way
to a notebook whose cell was edited. Reads notebooks as plain JSON, so a broken
one gives a one-line message instead of a traceback.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.course import Exercise
from grader.discover import find_file

META_KEY = "grader"  # our own cell metadata: {"file": ..., "stub_sha256": ...}
_WRITEFILE = re.compile(r"^\s*%%writefile(\s+-a)?\s+\S+[ \t]*\n?")


class NotebookError(Exception):
    """A notebook cannot be used; the message says what to fix, in one line."""


def grade_id(slug: str, file_name: str) -> str:
    """The stable nbgrader grade_id of the cell holding ``file_name``."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", f"{slug}-{Path(file_name).stem}")


def normalise(text: str) -> str:
    """Code as compared and written: no trailing blanks, one final newline."""
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines()) + "\n"


def digest(text: str) -> str:
    return hashlib.sha256(normalise(text).encode()).hexdigest()


def cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def module_code(cell: dict[str, Any]) -> str:
    """A marked cell's code as a module: a leading ``%%writefile`` line dropped."""
    return normalise(_WRITEFILE.sub("", cell_source(cell), count=1))


def read_cells(path: Path) -> list[dict[str, Any]]:
    """The cells of a notebook file, or :class:`NotebookError`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotebookError(f"{path.name} is not a readable notebook ({exc}); restore it "
                            "from your bundle or copy your code into the .py file")
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise NotebookError(f"{path.name} is not a Jupyter notebook (no list of cells)")
    return cells


def marked_cells(cells: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """grade_id -> cell, for every cell nbgrader would treat as a solution cell."""
    found = {}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if isinstance(meta, dict) and meta.get("solution") and meta.get("grade_id"):
            found.setdefault(str(meta["grade_id"]), cell)
    return found


@dataclass
class Found:
    """An exercise's files in a submission: where each comes from."""

    folder: Path | None = None  # the submission (None: none could be read)
    files: dict[str, Path] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # notebook problems, for the student
    from_notebook: list[str] = field(default_factory=list)


def _edited(py: Path, cell: dict[str, Any]) -> tuple[bool, bool]:
    """Whether the cell and the .py differ from the stub (False when unknown)."""
    meta = cell.get("metadata", {}).get(META_KEY, {})
    recorded = meta.get("stub_sha256") if isinstance(meta, dict) else None
    if not recorded:
        return False, True  # not one of our notebooks: the contract's rule, the .py wins
    try:
        py_edited = digest(py.read_text(encoding="utf-8")) != recorded
    except (OSError, UnicodeDecodeError):
        py_edited = True
    return digest(module_code(cell)) != recorded, py_edited


def exercise_files(exercise: Exercise, folder: Path | None, into: Path) -> Found:
    """Find each of the exercise's files in ``folder``; code taken from the
    notebook is written under ``into`` (which the caller removes)."""
    found = Found(folder=folder)
    if folder is None:
        found.missing = list(exercise.files)
        return found
    notebook = find_file(folder, f"{exercise.slug}.ipynb")
    cells: dict[str, dict[str, Any]] | None = None
    if notebook is not None:
        try:
            cells = marked_cells(read_cells(notebook))
        except NotebookError as exc:
            found.notes.append(str(exc))
    for name in exercise.files:
        py = find_file(folder, name)
        cell = cells.get(grade_id(exercise.slug, name)) if cells is not None else None
        if cells is not None and cell is None:
            found.notes.append(f"{notebook.name if notebook else ''}: the marked cell for {name} "
                               f"(grade_id {grade_id(exercise.slug, name)}) is missing; "
                               "restore it from your bundle (cell metadata nbgrader.grade_id)")
        use_cell = cell is not None and py is None
        if cell is not None and py is not None:
            cell_edited, py_edited = _edited(py, cell)
            use_cell = cell_edited and not py_edited
            if cell_edited and py_edited:
                found.notes.append(f"both {name} and its cell in {exercise.slug}.ipynb were "
                                   f"edited: {name} is graded")
        if use_cell:
            target = into / "from-notebook" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(module_code(cell), encoding="utf-8")
            found.files[name] = target
            found.from_notebook.append(name)
        elif py is not None:
            found.files[name] = py
        else:
            found.missing.append(name)
    return found
