"""Test files the student's code cannot read: in the child, before pytest
starts (so before any student code runs, since test modules import it), every
test file of the run is read into memory and its copy on disk is replaced by
a one-line placeholder. pytest still finds the file by its name; an import
hook, placed ahead of pytest's own, compiles the module from memory (with
pytest's assert rewriting) and writes no ``.pyc``. The loader has no
``get_source``, so tracebacks show no line of a test either.

The tests' ``==`` and ``!=`` are compiled to honest versions: an object of the
student's whose ``__eq__`` claims equality with an object it has never seen
(or whose ``__ne__`` denies a difference) compares unequal.
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.util
import os
import sys
import types
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
        tree = _HonestCompare().visit(tree)
        module.__dict__[_EQ], module.__dict__[_NE] = honest_eq, honest_ne
        exec(compile(tree, self.path, "exec", dont_inherit=True), module.__dict__)


_EQ, _NE = "@grader_eq", "@grader_ne"


class _Probe:
    """An object no student's class can know."""


def _lies(value: Any, ne: bool, depth: int = 0, budget: list[int] | None = None) -> bool:
    """True if ``value`` or anything it contains has a Python-level ``__eq__``
    (``__ne__``) that says it equals (does not differ from) a fresh object."""
    budget = [2000] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0 or depth > 4:
        return False
    method = getattr(type(value), "__ne__" if ne else "__eq__", None)
    if isinstance(method, types.FunctionType):
        try:
            said = (value != _Probe()) if ne else (value == _Probe())
        except Exception:  # noqa: BLE001 - a raising __eq__ tells nothing
            said = ne
        if bool(said) is not ne:
            return True
    if isinstance(value, dict):
        items: Any = [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = value
    else:
        return False
    return any(_lies(item, ne, depth + 1, budget) for item in list(items)[:1000])


def honest_eq(left: Any, right: Any) -> Any:
    result = left == right
    if result and (_lies(left, False) or _lies(right, False)):
        return False
    return result


def honest_ne(left: Any, right: Any) -> Any:
    result = left != right
    if not result and (_lies(left, True) or _lies(right, True)):
        return True
    return result


class _HonestCompare(ast.NodeTransformer):
    def visit_Compare(self, node: ast.Compare) -> ast.AST:  # noqa: N802 - ast's naming
        self.generic_visit(node)
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return node
        name = _EQ if isinstance(node.ops[0], ast.Eq) else _NE
        where = {k: getattr(node, k, None) for k in ("lineno", "col_offset", "end_lineno",
                                                     "end_col_offset")}
        return ast.Call(ast.Name(name, ast.Load(), **where), [node.left, node.comparators[0]],
                        [], **where)


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
