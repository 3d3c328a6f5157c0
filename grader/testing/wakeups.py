"""Conditions whose unlucky timings happen every run, not by luck.

``Condition.wait()`` may return without a ``notify`` (a spurious wake-up) and a
woken thread may find its condition already consumed by another (a stolen
wake-up), which is why ``wait`` belongs inside a ``while`` loop. Real spurious
wake-ups are rare; :class:`SpuriousCondition` makes every other wait return
early, so an ``if`` around ``wait`` fails every run and a ``while`` never does.

A ``notify`` only wakes the threads waiting at that moment: one that comes to
its ``wait`` later waits forever unless a flag says it need not.
:func:`patch_late_condition` makes every other thread arrive late, so a
``notify`` without a flag is lost every run, not when the start order happens
to go that way.
"""

from __future__ import annotations

import threading
import types
from typing import Any

_RealCondition = threading.Condition


class SpuriousCondition(_RealCondition):  # type: ignore[misc,valid-type]
    """A Condition whose every second ``wait`` returns at once, un-notified."""

    spurious_count = 0
    _patched_in = True  # put in a module by patch_condition

    def __init__(self, lock: Any = None) -> None:
        super().__init__(lock)
        self._calls = 0

    def wait(self, timeout: float | None = None) -> bool:
        self._calls += 1
        if self._calls % 2 == 1:
            SpuriousCondition.spurious_count += 1
            # Release and re-take the lock, as a real wake-up would.
            saved = self._release_save()  # type: ignore[attr-defined]
            self._acquire_restore(saved)  # type: ignore[attr-defined]
            return True
        return super().wait(timeout)


class _ThreadingView(types.ModuleType):
    """The ``threading`` module as one student module sees it, with another
    ``Condition``; every other name is the real one."""

    def __getattr__(self, name: str) -> Any:
        return getattr(threading, name)


def patch_condition(monkeypatch: Any, module: types.ModuleType,
                    cls: type = SpuriousCondition) -> None:
    """Make ``module`` (and only it) build ``cls`` where it asks for a
    Condition, however it imported it (``threading.Condition``, ``import
    threading as th``, ``from threading import Condition as Cond``). The rest
    of the program (Event, Queue, the test's helpers) is untouched. Patching
    a module again replaces the Condition it patched before."""
    for name, value in list(vars(module).items()):
        if value is threading:
            view = _ThreadingView("threading")
            view.Condition = cls  # type: ignore[attr-defined]
            monkeypatch.setattr(module, name, view)
        elif isinstance(value, _ThreadingView):
            monkeypatch.setattr(value, "Condition", cls)
        elif value is threading.Condition or value is _RealCondition \
                or getattr(value, "_patched_in", False):
            monkeypatch.setattr(module, name, cls)


def patch_late_condition(monkeypatch: Any, module: types.ModuleType,
                         first: list[threading.Thread], delay: float = 5.0) -> None:
    """Make ``module`` build Conditions that no thread but those in ``first``
    (a list the test fills, e.g. with the thread that runs an ``init``) may take
    until the first of them has ended (at most ``delay`` s): every other thread
    arrives late, as a worker slow to start would. A ``notify`` with nobody
    waiting yet is then lost every run; a flag checked under the lock (``while
    not ready: cond.wait()``) lets a late thread go on."""
    from grader.testing.observe import wait_until

    base: Any = threading.Condition  # the instrumented one, when the grader runs

    def arrive_late() -> None:
        if threading.current_thread() not in first:
            wait_until(lambda: bool(first) and not first[0].is_alive(), timeout=delay)

    class LateCondition(base):  # type: ignore[misc,valid-type]
        def __init__(self, lock: Any = None) -> None:
            super().__init__(lock)
            self._take = self.acquire
            self.acquire = self._late_acquire

        def _late_acquire(self, *args: Any, **kwargs: Any) -> bool:
            arrive_late()
            return self._take(*args, **kwargs)

        def __enter__(self) -> bool:
            arrive_late()
            return self._take()

    LateCondition.__name__ = LateCondition.__qualname__ = "Condition"  # as reports name it
    LateCondition._patched_in = True  # type: ignore[attr-defined]
    patch_condition(monkeypatch, module, LateCondition)


def start_through_spurious_wakeups(fn: Any, *args: Any) -> tuple[Any, bool, bool]:
    """Start ``fn(*args)``, a call that must block on a :class:`SpuriousCondition`
    (see :func:`patch_condition`), and wait until it blocks. Returns the started
    call, whether it blocked (a ``while`` around ``wait()`` waits again after a
    wake-up without a notify; an ``if`` returns), and whether it waited on a
    patched Condition at all (not on a Queue, nor by polling)."""
    from grader.testing.deadline import start_call
    from grader.testing.observe import wait_until_blocked

    seen = SpuriousCondition.spurious_count
    call = start_call(fn, *args)
    blocked = wait_until_blocked(call.thread)
    return call, blocked, SpuriousCondition.spurious_count > seen
