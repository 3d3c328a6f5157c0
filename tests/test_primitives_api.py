"""The instrumented primitives mirror the running interpreter's: every name the
real class has (3.14's ``RLock.locked()``, the old ``acquire_lock`` aliases),
the instrumented one has too, and nothing a student could use that the real
one lacks. The next Python's additions fail this test until they are mirrored."""

from __future__ import annotations

import _thread
import threading

import pytest

from grader.diagnostics import primitives

PAIRS = [(_thread.LockType, primitives.TrackedLock), (_thread.RLock, primitives.TrackedRLock),
         (primitives.RealCondition, primitives.TrackedCondition)]


def _names(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("__") or n in ("__enter__", "__exit__")}


@pytest.mark.parametrize(("real", "mine"), PAIRS, ids=["Lock", "RLock", "Condition"])
def test_every_name_of_the_real_primitive_is_there(real, mine):
    assert _names(real) - _names(mine) == set()


@pytest.mark.parametrize(("real", "mine"), PAIRS, ids=["Lock", "RLock", "Condition"])
def test_no_public_name_the_real_primitive_lacks(real, mine):
    public = {n for n in _names(mine) - _names(real) if not n.startswith("_")}
    assert public == set()


def test_rlock_locked_where_the_interpreter_has_it():
    lock = primitives.TrackedRLock()
    if not hasattr(_thread.RLock, "locked"):
        assert not hasattr(lock, "locked")
        return
    assert not lock.locked()
    with lock:
        assert lock.locked()
        seen = []
        other = threading.Thread(target=lambda: seen.append(lock.locked()))
        other.start()
        other.join(10)
        assert seen == [True]  # locked by any thread, not only the caller
    assert not lock.locked()
