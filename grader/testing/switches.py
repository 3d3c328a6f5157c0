"""Seeded thread switches between the bytecodes of the student's frames.

Since CPython 3.10 a thread switch happens only at calls and backward jumps, so
``self.value += 1`` in several threads almost never loses an update, even with
``sys.setswitchinterval(1e-6)``. Tracing opcodes of the student's frames and
yielding the GIL (``time.sleep(0)``) at random instructions makes the window
between a load and its store visible: the racy code then fails every run, the
locked code never. Only frames whose file is the student's are traced, so the
cost (about 12x on those frames) stays on the code under test.

Meanwhile the threads take turns (:mod:`grader.diagnostics.turns`): one runs at
a time, and at each switch point the seed chooses which goes next, so a seed
replays the same interleaving.
"""

from __future__ import annotations

import _thread
import contextlib
import dis
import os
import random
import sys
import threading
import time
import types
from collections.abc import Iterable, Iterator

from grader.diagnostics import races, turns
from grader.diagnostics.races import base_seed, current_seed, seed_for, set_current_seed

__all__ = ["RaceFound", "base_seed", "current_seed", "inject_switches", "seed_for",
           "set_current_seed"]


class RaceFound(AssertionError):
    """A test's own evidence of a race (a lost update, an overdraft by a
    check-then-act): the grader reports the test as ``race``, not ``failed``.
    Raise it instead of ``assert`` where only an interleaving can break the
    check (a count off, an overdraft)."""

_ACCESS = {"LOAD_ATTR": "read", "STORE_ATTR": "write", "LOAD_GLOBAL": "read",
           "STORE_GLOBAL": "write", "LOAD_NAME": "read", "STORE_NAME": "write",
           "LOAD_DEREF": "read", "STORE_DEREF": "write", "LOAD_CLASSDEREF": "read"}
_access_maps: dict[types.CodeType, dict[int, tuple[str, str]]] = {}


def _accesses(code: types.CodeType) -> dict[int, tuple[str, str]]:
    """offset -> ("read" | "write", name) for the loads and stores of ``code``."""
    found = _access_maps.get(code)
    if found is None:
        found = {i.offset: (_ACCESS[i.opname], str(i.argval))
                 for i in dis.get_instructions(code) if i.opname in _ACCESS}
        _access_maps[code] = found
    return found


def _filenames(targets: Iterable[object]) -> set[str]:
    names: set[str] = set()
    for target in targets:
        if isinstance(target, types.ModuleType):
            target = target.__file__
        elif callable(target) and hasattr(target, "__code__"):
            target = target.__code__.co_filename
        if not isinstance(target, str):
            raise TypeError(f"inject_switches: cannot trace {target!r}")
        names.add(os.path.realpath(target))
        names.add(target)
    return names


@contextlib.contextmanager
def inject_switches(*targets: object, probability: float = 0.02,
                    seed: int | None = None) -> Iterator[random.Random]:
    """While active, every thread started (and the current one) yields the GIL
    with ``probability`` before each bytecode executed in the given modules,
    functions or files. Deterministic per ``seed`` (default: the test's seed).
    """
    files = _filenames(targets)
    rng = random.Random(current_seed() if seed is None else seed)
    others_rng = random.Random(rng.random())  # threads that do not take turns
    rng_lock = _thread.allocate_lock()  # a raw lock: never traced or instrumented
    sleep = time.sleep
    current_thread = threading.current_thread
    members = turns.start(random.Random(rng.random()))

    def opcode_tracer(frame: types.FrameType, event: str, arg: object) -> object:
        if event == "opcode":
            me = members.member() if members is not None else None
            if me is not None:  # it has the turn: the seed says when to hand it on
                members.tick()
                if members.holder is me and rng.random() < probability:
                    members.switch(me)
            else:
                with rng_lock:
                    hit = others_rng.random() < probability
                if hit:
                    sleep(0)
            access = _accesses(frame.f_code).get(frame.f_lasti)
            if access is not None:
                with rng_lock:
                    races.recorder().access(access[0], access[1], current_thread().name,
                                            frame.f_lineno, frame.f_code.co_filename)
        return opcode_tracer

    def global_tracer(frame: types.FrameType, event: str, arg: object) -> object:
        if event == "call" and frame.f_code.co_filename in files:
            frame.f_trace_opcodes = True
            frame.f_trace_lines = False
            return opcode_tracer
        return None

    old_thread_trace = threading.gettrace()
    old_trace = sys.gettrace()
    threading.settrace(global_tracer)
    sys.settrace(global_tracer)
    try:
        yield rng
    finally:
        turns.stop(members)
        sys.settrace(old_trace)
        threading.settrace(old_thread_trace)  # type: ignore[arg-type]
