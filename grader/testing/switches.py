"""Seeded thread switches between the bytecodes of the student's frames.

Since CPython 3.10 a thread switch happens only at calls and backward jumps, so
``self.value += 1`` in several threads almost never loses an update, even with
``sys.setswitchinterval(1e-6)``. Tracing opcodes of the student's frames and
yielding the GIL (``time.sleep(0)``) at random instructions makes the window
between a load and its store visible: the racy code then fails every run, the
locked code never. Only frames whose file is the student's are traced, so the
cost (about 12x on those frames) stays on the code under test.
"""

from __future__ import annotations

import _thread
import contextlib
import dis
import hashlib
import os
import random
import sys
import threading
import time
import types
from collections.abc import Iterable, Iterator

_BASE_SEED_ENV = "GRADER_SEED"
_test_seed: int | None = None


def base_seed() -> int:
    """The run's base seed: ``$GRADER_SEED`` or 0."""
    try:
        return int(os.environ.get(_BASE_SEED_ENV, "0"))
    except ValueError:
        return 0


def seed_for(test_id: str, base: int | None = None) -> int:
    """A per-test seed derived from the base seed and the test's id."""
    text = f"{base_seed() if base is None else base}:{test_id}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:4], "big")


def set_current_seed(seed: int | None) -> None:
    """Set by the grader's pytest plugin before each test."""
    global _test_seed
    _test_seed = seed


def current_seed() -> int:
    """The seed of the running test (the base seed outside the grader)."""
    return base_seed() if _test_seed is None else _test_seed


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


class LostUpdates:
    """Watches reads and writes of shared names per thread and remembers the
    first lost update: A read x, B wrote x, A wrote its stale copy of x."""

    def __init__(self) -> None:
        self.seq = 0
        self.state: dict[str, tuple[tuple[str, int, int] | None,
                                    dict[str, tuple[int, int]]]] = {}
        self.found: dict[str, object] | None = None

    def access(self, kind: str, name: str, thread: str, line: int, filename: str) -> None:
        self.seq += 1
        last_write, reads = self.state.setdefault(name, (None, {}))
        if kind == "read":
            reads[thread] = (line, self.seq)
            return
        mine = reads.pop(thread, None)
        if (self.found is None and mine is not None and last_write is not None
                and last_write[0] != thread and last_write[2] > mine[1]):
            self.found = self._diagnosis(name, thread, mine[0], last_write, line, filename)
        self.state[name] = ((thread, line, self.seq), reads)

    @staticmethod
    def _diagnosis(name: str, thread: str, read_line: int, other: tuple[str, int, int],
                   line: int, filename: str) -> dict[str, object]:
        file = os.path.basename(filename)
        summary = (f"{thread} read `{name}` at line {read_line}, {other[0]} wrote it at line "
                   f"{other[1]}, then {thread} wrote its stale copy at line {line} ({file}): "
                   f"{other[0]}'s update was lost. (Thread switches were injected with base "
                   f"seed {base_seed()}: `grader check {os.environ.get('GRADER_EXERCISE', 'SLUG')} "
                   f"--seed {base_seed()}` replays it.)")
        return {"kind": "race", "summary": summary, "threads": [], "seed": base_seed(),
                "advice": (
            "A read followed by a write is not atomic: another thread can run in between. "
            "Hold one lock, shared by every thread that touches the value, around the whole "
            "read-modify-write.")}


_races = LostUpdates()


def reset_races() -> None:
    """Forget what was seen (the plugin calls this before each test)."""
    global _races
    _races = LostUpdates()


def lost_update() -> dict[str, object] | None:
    """The first lost update seen since the last reset, as a diagnosis."""
    return _races.found


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
    rng_lock = _thread.allocate_lock()  # a raw lock: never traced or instrumented
    sleep = time.sleep
    current_thread = threading.current_thread

    def opcode_tracer(frame: types.FrameType, event: str, arg: object) -> object:
        if event == "opcode":
            with rng_lock:
                hit = rng.random() < probability
            if hit:
                sleep(0)
            access = _accesses(frame.f_code).get(frame.f_lasti)
            if access is not None:
                with rng_lock:
                    _races.access(access[0], access[1], current_thread().name,
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
        sys.settrace(old_trace)
        threading.settrace(old_thread_trace)  # type: ignore[arg-type]
