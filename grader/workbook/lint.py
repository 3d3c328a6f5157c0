"""The workbook's lint (part of ``grader validate``): jupytext metadata that was
not understood, duplicate nbgrader ``grade_id``s, and exercises whose tutorial
part has no chapter."""

from __future__ import annotations

from collections import Counter

from nbformat import NotebookNode

from grader.course import Course
from grader.workbook.build import (
    WORKBOOK_DIR,
    chapter_notebook,
    chapter_source,
    exercise_notebook,
    parts,
    read_chapter,
)


def _grade_ids(notebook: NotebookNode) -> list[str]:
    return [str(cell.metadata["nbgrader"]["grade_id"]) for cell in notebook.cells
            if isinstance(cell.metadata.get("nbgrader"), dict)
            and cell.metadata["nbgrader"].get("grade_id")]


def _duplicates(ids: list[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def lint(course: Course) -> list[str]:
    """Every problem found, one line each, naming the file to fix."""
    problems = []
    folder = course.root / WORKBOOK_DIR
    for source in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        rel = source.relative_to(course.root)
        try:
            notebook = read_chapter(source)
        except Exception as exc:  # noqa: BLE001 - jupytext's errors vary; report, don't crash
            problems.append(f"{rel}: jupytext cannot read it: {exc}")
            continue
        for number, cell in enumerate(notebook.cells, 1):
            if "incorrectly_encoded_metadata" in cell.metadata:
                problems.append(
                    f"{rel}: cell {number}: jupytext kept its metadata as text "
                    "(incorrectly_encoded_metadata) "
                    f"({cell.metadata['incorrectly_encoded_metadata']!r}); write it as JSON "
                    "(quoted keys and strings, true/false)")
    course_ids: list[str] = []
    for part, exercises in parts(course).items():
        source = chapter_source(course.root, part)
        if not source.is_file():
            slugs = ", ".join(ex.slug for ex in exercises)
            problems.append(f"{source.relative_to(course.root)}: missing, so exercise(s) "
                            f"{slugs} (part {part}) are missing from the workbook")
            continue
        try:
            chapter = chapter_notebook(course, part)
        except Exception:  # noqa: BLE001 - reported above as unreadable
            continue
        for gid in _duplicates(_grade_ids(chapter)):
            problems.append(f"{source.relative_to(course.root)}: duplicate grade_id {gid!r}")
        course_ids += _grade_ids(chapter)
        for exercise in exercises:
            course_ids += _grade_ids(exercise_notebook(exercise))
    for gid in _duplicates(course_ids):
        problems.append(f"grade_id {gid!r} is used by more than one cell of the workbook "
                        "(chapters and exercise notebooks)")
    return problems
