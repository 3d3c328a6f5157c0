"""Races provoked on purpose, and the lost updates they show.

The seeds: each test's seed derives from the run's base seed
(``$GRADER_SEED``, set by ``--seed``) and the test's id; with the threads taking
turns (:mod:`grader.diagnostics.turns`) a seed replays the same interleaving.
The lost updates: the injected thread switches (:mod:`grader.testing.switches`)
report every read and write of a name in the student's frames here; "A read
x, B wrote x, A wrote its stale copy" is the first lost update, kept as a
diagnosis for the running test.
"""

from __future__ import annotations

import hashlib
import os
import time

from grader.diagnostics import timeline
from grader.runner.protocol import Diagnosis, Status

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


class LostUpdates:
    """Watches reads and writes of shared names per thread and remembers the
    first lost update: A read x, B wrote x, A wrote its stale copy of x."""

    def __init__(self) -> None:
        self.seq = 0
        # name -> (last write: thread, line, seq, time; reads: thread -> line, seq, time)
        self.state: dict[str, tuple[tuple[str, int, int, float] | None,
                                    dict[str, tuple[int, int, float]]]] = {}
        self.found: Diagnosis | None = None

    def access(self, kind: str, name: str, thread: str, line: int, filename: str) -> None:
        self.seq += 1
        now = time.monotonic()
        last_write, reads = self.state.setdefault(name, (None, {}))
        if kind == "read":
            reads[thread] = (line, self.seq, now)
            return
        mine = reads.pop(thread, None)
        if (self.found is None and mine is not None and last_write is not None
                and last_write[0] != thread and last_write[2] > mine[1]):
            # the three accesses, for the timeline, then the picture up to now
            timeline.record_at(mine[2], thread, "read", name, mine[0], filename)
            timeline.record_at(last_write[3], last_write[0], "write", name, last_write[1],
                               filename)
            timeline.record_at(now, thread, "stale-write", name, line, filename,
                               other=last_write[0])
            self.found = self._diagnosis(name, thread, mine[0], last_write, line, filename)
        self.state[name] = ((thread, line, self.seq, now), reads)

    @staticmethod
    def _diagnosis(name: str, thread: str, read_line: int,
                   other: tuple[str, int, int, float], line: int, filename: str) -> Diagnosis:
        file = os.path.basename(filename)
        summary = (f"{thread} read `{name}` at line {read_line}, {other[0]} wrote it at line "
                   f"{other[1]}, then {thread} wrote its stale copy at line {line} ({file}): "
                   f"{other[0]}'s update was lost. (Thread switches were injected with seed "
                   f"{base_seed()}.)")
        return Diagnosis(Status.RACE, summary, seed=base_seed(), advice=ADVICE,
                         timeline=timeline.picture(focus=(thread, other[0])))


ADVICE = ("A read followed by a write, or a check followed by an act, is not atomic: "
          "another thread (or, with asyncio, another task at any `await`) can run in between. "
          "Hold one lock, shared by every thread or task that touches the value (a "
          "`threading.Lock` for threads, an `asyncio.Lock` for tasks), around the whole "
          "read-modify-write or check-then-act.")


def found_by_test(message: str) -> Diagnosis:
    """A race that a test saw in its results (a count off, an overdraft)."""
    return Diagnosis(Status.RACE, f"{message} (Provoked with seed {base_seed()}; the same "
                     "seed replays it.)", seed=base_seed(), advice=ADVICE,
                     timeline=timeline.picture())


_races = LostUpdates()


def recorder() -> LostUpdates:
    """Where accesses seen now are recorded."""
    return _races


def reset() -> None:
    """Forget what was seen (the plugin calls this before each test)."""
    global _races
    _races = LostUpdates()


def lost_update() -> Diagnosis | None:
    """The first lost update seen since the last reset, as a diagnosis."""
    return _races.found
