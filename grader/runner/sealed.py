"""Test files the student's code cannot read: in the child, before pytest
starts (so before any student code runs, since test modules import it), every
test file of the run is read into memory and its copy on disk is replaced by
a one-line placeholder. pytest still finds the file by its name; an import
hook, placed ahead of pytest's own, compiles the module from memory (with
pytest's assert rewriting) and writes no ``.pyc``. The loader has no
``get_source``, so tracebacks show no line of a test either.
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.util
import os
import sys
from types import ModuleType
from typing import Any

PLACEHOLDER = b"# The grader read this test file and removed it before your code ran.\n"
_sources: dict[str, bytes] = {}  # real path -> source


def seal(paths: list[str]) -> None:
    """Read ``paths`` into memory and replace them on disk by the placeholder."""
    for path in paths:
        real = os.path.realpath(path)
        with open(real, "rb") as f:
            _sources[real] = f.read()
        with open(real, "wb") as f:
            f.write(PLACEHOLDER)


class _Loader(importlib.abc.Loader):
    def __init__(self, path: str, config: Any) -> None:
        self.path = path
        self.config = config

    def create_module(self, spec: Any) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        from _pytest.assertion.rewrite import rewrite_asserts

        source = _sources[self.path]
        tree = ast.parse(source, filename=self.path)
        rewrite_asserts(tree, source, self.path, self.config)
        exec(compile(tree, self.path, "exec", dont_inherit=True), module.__dict__)


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, config: Any) -> None:
        self.config = config

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        for folder in path or ():
            candidate = os.path.realpath(
                os.path.join(folder, fullname.rpartition(".")[2] + ".py"))
            if candidate in _sources:
                origin = os.path.join(folder, fullname.rpartition(".")[2] + ".py")
                return importlib.util.spec_from_loader(
                    fullname, _Loader(candidate, self.config), origin=origin)
        return None


def install(config: Any) -> None:
    """Serve the sealed test modules, ahead of every other import hook."""
    if _sources:
        sys.meta_path.insert(0, _Finder(config))
