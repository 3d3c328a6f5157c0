"""Notebooks as data: a chapter per tutorial part (its jupytext source in
``workbook/partNN.py`` followed by cells generated for that part's exercises),
and one notebook per exercise with a marked cell per file the student edits.

Everything is driven by course.toml, so a new exercise appears in its chapter
and gets its notebook with no extra work.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.course import Course, Exercise
from grader.notebook import META_KEY, digest, grade_id, normalise

WORKBOOK_DIR = "workbook"
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def chapter_source(root: Path, part: int) -> Path:
    """Where the jupytext source of a part's chapter lives."""
    return root / WORKBOOK_DIR / f"part{part:02d}.py"


def parts(course: Course) -> dict[int, list[Exercise]]:
    """The course's exercises by tutorial part, in course.toml order."""
    found: dict[int, list[Exercise]] = {}
    for exercise in course.exercises.values():
        found.setdefault(exercise.part, []).append(exercise)
    return dict(sorted(found.items()))


def read_chapter(path: Path) -> NotebookNode:
    """A chapter's jupytext percent-format source as a notebook."""
    return jupytext.read(path, fmt="py:percent")


def nbgrader_meta(cell_id: str, *, solution: bool = False, grade: bool = False,
                  points: float = 0.0) -> dict:
    """Schema-3 nbgrader cell metadata."""
    meta = {"grade": grade, "grade_id": cell_id, "locked": not solution,
            "schema_version": 3, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def check_cell(exercise: Exercise) -> NotebookNode:
    """A cell that runs ``grader check SLUG`` on the saved notebook."""
    return new_code_cell(
        "# Save the notebook first (Ctrl-S): the check reads the saved file.\n"
        "import subprocess, sys\n"
        f"run = subprocess.run([sys.executable, '-m', 'grader', 'check', {exercise.slug!r}],\n"
        "                     capture_output=True, text=True)\n"
        "print(run.stdout + run.stderr)")


def marked_cell(exercise: Exercise, name: str, code: str) -> NotebookNode:
    """The cell holding file ``name``: nbgrader marks it as a solution cell, and
    our metadata records the stub's hash (an untouched stub .py gives way to it)."""
    cell = new_code_cell(normalise(code).rstrip("\n"))
    cell.metadata["nbgrader"] = nbgrader_meta(grade_id(exercise.slug, name), solution=True)
    cell.metadata[META_KEY] = {"file": name, "stub_sha256": digest(code)}
    return cell


def exercise_notebook(exercise: Exercise) -> NotebookNode:
    """``<slug>.ipynb``: the task, one marked cell per file (the stub), a check."""
    cells = [new_markdown_cell(_read(exercise.exercise_dir / "README.md"))]
    several = len(exercise.files) > 1
    for name in exercise.files:
        intro = f"### `{name}`\n\nYour code for `{name}` goes in the next cell" + (
            " (one cell per file of this exercise)." if several else ".")
        intro += (" The grader writes this cell to the file the tests import; keep it "
                  "runnable as a module and do not delete it.")
        cells.append(new_markdown_cell(intro))
        cells.append(marked_cell(exercise, name, _read(exercise.exercise_dir / name)))
    cells.append(new_markdown_cell(
        f"### Check your work\n\nRun the next cell, or `grader check {exercise.slug}` in a "
        "terminal. If you also edit the `.py` file, the `.py` file is graded."))
    cells.append(check_cell(exercise))
    return new_notebook(cells=cells, metadata={"kernelspec": KERNEL,
                                               "language_info": {"name": "python"}})


def exercise_cells(exercise: Exercise) -> list[NotebookNode]:
    """What a chapter shows of one exercise: the task, the stub, where to solve it."""
    stubs = "\n\n".join(f"`{name}`:\n\n```python\n{normalise(_read(path))}```"
                        for name, path in exercise.stub_files().items())
    files = " and ".join(f"`exercises/{exercise.slug}/{n}`" for n in exercise.files)
    return [
        new_markdown_cell(f"## Exercise `{exercise.slug}`: {exercise.title}\n\n"
                          f"*{exercise.points:g} points.* Solve it in the notebook "
                          f"`exercises/{exercise.slug}/{exercise.slug}.ipynb` or in {files}, "
                          f"then run `grader check {exercise.slug}`."),
        new_markdown_cell(_read(exercise.exercise_dir / "README.md")),
        new_markdown_cell(f"The starting point:\n\n{stubs}"),
    ]


def chapter_notebook(course: Course, part: int) -> NotebookNode:
    """A part's chapter: its source, then its exercises (generated)."""
    chapter = read_chapter(chapter_source(course.root, part))
    for exercise in parts(course).get(part, []):
        chapter.cells.extend(exercise_cells(exercise))
    chapter.metadata["kernelspec"] = KERNEL
    return chapter


def write_notebook(notebook: NotebookNode, path: Path) -> None:
    """Validate and write an .ipynb with jupytext (never by hand)."""
    nbformat.validate(notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(notebook, path, fmt="ipynb")
