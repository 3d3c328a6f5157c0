"""The student's own names for synchronisation objects: ``src.lock``,
``forks[3]``, ``q.not_empty``, found in the local variables of the threads'
frames and in the globals of the student's modules."""

from __future__ import annotations

import functools
import os
import sys
import types
from collections.abc import Iterator
from typing import Any

_SKIP_TYPES = (types.ModuleType, types.FunctionType, types.MethodType, type,
               types.BuiltinFunctionType, str, bytes, int, float)


def _search(value: Any, path: str, target: Any, depth: int, seen: set[int]) -> str | None:
    if value is target:
        return path
    if depth == 0 or id(value) in seen or isinstance(value, _SKIP_TYPES):
        return None
    seen.add(id(value))
    children: Iterator[tuple[str, Any]]
    if isinstance(value, (list, tuple)):
        children = ((f"{path}[{i}]", v) for i, v in enumerate(value[:64]))
    elif isinstance(value, dict):
        children = ((f"{path}[{k!r}]", v) for k, v in list(value.items())[:64]
                    if isinstance(k, (str, int)))
    else:
        try:
            attrs = vars(value)
        except TypeError:
            return None
        children = ((f"{path}.{k}", v) for k, v in list(attrs.items())[:64])
    for child_path, child in children:
        found = _search(child, child_path, target, depth - 1, seen)
        if found:
            return found
    return None


@functools.lru_cache(maxsize=4096)
def _real(filename: str) -> str:
    return os.path.realpath(filename) if os.path.isabs(filename) else ""


def is_student_file(filename: str, student_dir: str | None) -> bool:
    return bool(student_dir) and _real(filename).startswith(student_dir)  # type: ignore[arg-type]


_student_modules: tuple[int, str | None, list[types.ModuleType]] = (-1, None, [])


def student_modules(student_dir: str | None) -> list[types.ModuleType]:
    """The imported modules whose file is the student's (cached until more
    modules are imported)."""
    global _student_modules
    count, folder, found = _student_modules
    if count != len(sys.modules) or folder != student_dir:
        found = [m for m in list(sys.modules.values())
                 if is_student_file(getattr(m, "__file__", None) or "", student_dir)]
        _student_modules = (len(sys.modules), student_dir, found)
    return found


def name_of(target: Any, frames: list[types.FrameType], student_dir: str | None) -> str | None:
    """A name for ``target`` as the student's code sees it: first in the given
    frames (innermost first), then in the globals of the student's modules."""
    for frame in frames:
        for var, value in list(frame.f_locals.items()):
            if var.startswith("@"):
                continue
            found = _search(value, var, target, 3, set())
            if found:
                return found
    for module in student_modules(student_dir):
        for var, value in list(vars(module).items()):
            if var.startswith("__"):
                continue
            found = _search(value, var, target, 3, set())
            if found:
                return found
    return None


def student_frames(frame: types.FrameType | None, student_dir: str | None
                   ) -> list[types.FrameType]:
    """The student's frames of a stack, innermost first."""
    found = []
    while frame is not None:
        if is_student_file(frame.f_code.co_filename, student_dir):
            found.append(frame)
        frame = frame.f_back
    return found


_LIBRARY = (os.path.dirname(os.__file__) + os.sep,
            os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep)


def is_user_file(filename: str) -> bool:
    """Outside the standard library, site-packages and the grader (the
    student's or the tests')."""
    return os.path.isabs(filename) and not filename.startswith(_LIBRARY) \
        and "site-packages" not in filename


def user_frames(frame: types.FrameType | None) -> list[types.FrameType]:
    """Frames outside the standard library, site-packages and the grader
    (the student's and the tests'), innermost first."""
    found = []
    while frame is not None:
        if is_user_file(frame.f_code.co_filename):
            found.append(frame)
        frame = frame.f_back
    return found
