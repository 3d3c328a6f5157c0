"""Concurrency diagnostics inside a graded run.

Installed in every Python process of a run (by the run's ``sitecustomize``)
before any student code is imported:

- :mod:`state`: the shared state: who holds which lock, who waits for what,
  since when; the lock-order graph and its inversions; the student's folder.
- :mod:`primitives`: tracking versions of ``threading.Lock``, ``RLock``,
  ``Condition`` and ``Thread.join`` that keep that state (Semaphore, Event,
  Barrier, ``queue.Queue`` and ``concurrent.futures`` build on them).
- :mod:`lockorder`: the lock-order graph; a cycle is a potential deadlock.
- :mod:`watchdog`: finds wait-for cycles (deadlocks) and threads that can never
  wake up (stalls) within a second, and hands the diagnosis to the running test.
- :mod:`races`: the seeds of provoked thread switches, and the lost updates seen.
- :mod:`crashes`: threads and processes of the student's code that died with an
  exception.
- :mod:`naming`: the student's own names for locks (``src.lock``, ``forks[3]``).
- :mod:`explain`: what was found, as a Diagnosis and in words for a student.
- :mod:`findings`: what judges a test after it ran (inversions, races, a
  worker process's diagnosis).
"""

from __future__ import annotations

_installed = False


def install() -> None:
    """Patch ``threading`` and start the watchdog (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    from grader.diagnostics import crashes, primitives, watchdog

    primitives.patch_threading()
    crashes.install()
    watchdog.start()
