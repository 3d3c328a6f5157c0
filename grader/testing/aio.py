"""Testing asyncio code: run a coroutine under watch, see when the awaited
operations ran, provoke the await-point races.

- :func:`run_async` runs the student's coroutine function in a fresh event loop
  of its own and watches it (:mod:`grader.diagnostics.aio`). It returns the
  result or re-raises the exception, and raises :class:`Diagnosed` (a test
  failure with a named kind) when the loop was blocked, when every task waits
  and nothing can wake any of them (a task stall or a cycle of asyncio locks),
  or when a coroutine was never awaited or a task's exception never retrieved.
  Tasks the call left running fail the test with each one's await point.
- :class:`Intervals` records when each call of a test's own coroutine function
  started and ended, by the order of events (not the clock): the most calls in
  flight at once, which were cancelled, which still run. :func:`assert_concurrent`
  fails with kind ``serial`` when they ran one after another.
- :func:`await_points` wraps a test's coroutine function so that every call
  first yields to the loop a seeded number of times: a check-then-act across
  that ``await`` then meets another task in between, every run; the seed is the
  test's (``grader check SLUG --seed N`` replays it).
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from grader.diagnostics import aio as watch
from grader.diagnostics.races import current_seed
from grader.runner.protocol import Diagnosis, Status
from grader.testing.deadline import DeadlineExceeded

DEFAULT_TIMEOUT = 5.0

__all__ = ["Call", "Diagnosed", "Intervals", "assert_concurrent", "await_points", "run_async"]


class Diagnosed(AssertionError):
    """A test failure that the grader names by its diagnosis' kind (a blocked
    loop, a task stall, a coroutine never awaited, serial awaits)."""

    def __init__(self, diagnosis: Diagnosis) -> None:
        super().__init__(diagnosis.summary)
        self.diagnosis = diagnosis


def run_async(fn: Callable[..., Awaitable[Any]], *args: Any, timeout: float = DEFAULT_TIMEOUT,
              what: str | None = None, leftover_ok: bool = False, blocking_ok: bool = False,
              **kwargs: Any) -> Any:
    """Run ``fn(*args, **kwargs)`` (a coroutine function) in a fresh, watched
    event loop on a thread of its own; return its result or re-raise its exception.

    Raises :class:`Diagnosed` with kind

    - ``blocked-loop`` if one step of the loop (a coroutine between two awaits,
      a callback) held it for more than ``grader.diagnostics.aio.BLOCK_LIMIT``
      seconds, naming the student's line that blocked (``blocking_ok=True``
      allows it);
    - ``stall`` (every task waits and no timer, I/O or executor job can wake
      any of them) or ``deadlock`` (tasks wait for asyncio locks held by each
      other), with each task's await point, as soon as the idle loop proves it
      (about half a second, whatever ``timeout``). A run still working when
      ``timeout`` seconds pass (timers due, executor jobs, steps going on) is
      waited for up to ``STRETCH`` times longer, then reported as a timeout
      (:class:`~grader.testing.DeadlineExceeded`) with each task's await point;
    - ``never-awaited`` if a coroutine was created and never awaited, or a
      task ended with an exception that nobody retrieved.

    Raises ``AssertionError`` if tasks that the call created are still pending
    after it returned or raised (``leftover_ok=True`` allows it; they are
    cancelled either way).
    """
    label = what or f"{getattr(fn, '__name__', 'the coroutine')}()"
    return watch.run(functools.partial(fn, *args, **kwargs), timeout=timeout, what=label,
                     leftover_ok=leftover_ok, blocking_ok=blocking_ok, diagnosed=Diagnosed,
                     timed_out=DeadlineExceeded)


@dataclass
class Call:
    """One call of a recorded coroutine function: its key (the first argument),
    when it started and ended (positions in the recorder's order of events),
    and how it ended: "done", "raised", "cancelled", or "" while it runs."""

    key: Any
    start: int
    end: int | None = None
    outcome: str = ""


class Intervals:
    """When each call of the wrapped coroutine functions ran, in order of events.

    ``fetch = rec.wrap(real_fetch)`` records every call of ``fetch(key, ...)``;
    ``rec.peak`` is the most calls in flight at once, ``rec.running()`` those
    started and not ended, ``rec.calls`` all of them, ``rec.cancelled()`` the
    keys of calls cancelled. Works with any number of wrapped functions.
    """

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.seq = 0
        self.in_flight = 0
        self.peak = 0

    def _tick(self) -> int:
        self.seq += 1
        return self.seq

    def wrap(self, fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """``fn`` recorded: each call's start, end and outcome."""

        @functools.wraps(fn)
        async def recorded(*args: Any, **kwargs: Any) -> Any:
            call = Call(args[0] if args else None, self._tick())
            self.calls.append(call)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            outcome = "raised"
            try:
                result = await fn(*args, **kwargs)
                outcome = "done"
                return result
            except asyncio.CancelledError:
                outcome = "cancelled"
                raise
            finally:
                self.in_flight -= 1
                call.end, call.outcome = self._tick(), outcome

        return recorded

    def running(self) -> list[Call]:
        """The calls started and not ended yet."""
        return [c for c in self.calls if c.end is None]

    def cancelled(self) -> list[Any]:
        """The keys of the calls that ended cancelled."""
        return [c.key for c in self.calls if c.outcome == "cancelled"]

    def story(self, most: int = 6) -> str:
        """The first calls in the order they started and ended, for a message."""
        events = sorted([(c.start, f"{c.key!r} started") for c in self.calls]
                        + [(c.end, f"{c.key!r} {c.outcome}") for c in self.calls
                           if c.end is not None])
        shown = [text for _, text in events[:most]]
        more = " ..." if len(events) > most else ""
        return ", ".join(shown) + more


def assert_concurrent(rec: Intervals, what: str, at_least: int = 2,
                      advice: str | None = None) -> None:
    """Fail with kind ``serial`` unless at least ``at_least`` recorded calls
    were in flight at once (by the order of events, not by the clock).
    ``advice`` replaces the default (start them all, then await them together).
    No verdict when fewer than ``at_least`` calls were made at all: a test
    whose answer may stop early (the first success wins) makes the early calls
    fail, so that even a serial answer makes them all."""
    if rec.peak >= at_least or len(rec.calls) < at_least:
        return
    raise Diagnosed(Diagnosis(
        Status.SERIAL,
        f"{what}: the {len(rec.calls)} awaited operations ran one after another, never "
        f"{at_least} at once (in order: {rec.story()}). Each one was awaited before the "
        "next one was even started.",
        advice=advice or "`await` waits for that one operation before the line after it "
        "runs. To run them at once, start them all first: `asyncio.gather(*coros)`, or "
        "`tg.create_task(...)` in an `async with asyncio.TaskGroup() as tg:` block, then "
        "await them together.",
    ))


def await_points(fn: Callable[..., Awaitable[Any]], most: int = 3,
                 seed: int | None = None) -> Callable[..., Awaitable[Any]]:
    """``fn`` with a provoked await point: each call first yields to the loop
    1 to ``most`` times (the number drawn from ``seed``, by default the
    running test's), so every other ready task runs before it goes on."""
    rng = random.Random(current_seed() if seed is None else seed)

    @functools.wraps(fn)
    async def yielding(*args: Any, **kwargs: Any) -> Any:
        for _ in range(rng.randint(1, most)):
            await asyncio.sleep(0)
        return await fn(*args, **kwargs)

    return yielding
