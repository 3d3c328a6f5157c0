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

    def opcode_tracer(frame: types.FrameType, event: str, arg: object) -> object:
        if event == "opcode":
            with rng_lock:
                hit = rng.random() < probability
            if hit:
                sleep(0)
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
