"""Observing concurrent code: peak concurrency, CPU time, blocked threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from grader.runner.stacks import current_frames, thread_cpu


class PeakCounter:
    """Counts how many threads are inside at once; use as ``with counter:``.

    ``peak`` is the largest number seen; ``inside`` the number inside now.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.inside = 0
        self.peak = 0
        self.entered = 0

    def __enter__(self) -> PeakCounter:
        with self._lock:
            self.inside += 1
            self.entered += 1
            self.peak = max(self.peak, self.inside)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.inside -= 1

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` counted while it runs."""

        def counted(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return counted


def thread_cpu_time(thread: threading.Thread) -> float:
    """CPU seconds consumed so far by a live thread; 0.0 once it has ended."""
    if thread.ident is None or not thread.is_alive():
        return 0.0
    return thread_cpu(thread.ident)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0,
               interval: float = 0.005) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass."""
    end = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= end:
            return False
        time.sleep(interval)


def _position(thread: threading.Thread) -> tuple[int, int] | None:
    frame = current_frames().get(thread.ident or -1)
    if frame is None:
        return None
    return id(frame.f_code), frame.f_lasti


def wait_until_blocked(thread: threading.Thread, timeout: float = 5.0,
                       settle: float = 0.05) -> bool:
    """Wait until ``thread`` is alive and blocked: it stays at the same
    instruction and uses no CPU time for ``settle`` seconds.

    Returns False if it ends, or never settles, within ``timeout`` seconds.
    """
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not thread.is_alive():
            return False
        before, cpu = _position(thread), thread_cpu_time(thread)
        time.sleep(settle)
        if not thread.is_alive():
            return False
        if before is not None and _position(thread) == before \
                and thread_cpu_time(thread) - cpu < settle / 4:
            return True
    return False


def busy_cpu_ratio(fn: Callable[[], Any], window: float = 0.3,
                   release: Callable[[], Any] | None = None,
                   timeout: float = 5.0) -> float:
    """Run ``fn`` (expected to block) in a daemon thread and return the share of
    one CPU it used during ``window`` seconds: about 0 for a real blocking wait,
    close to 1 for a busy-waiting loop (a ratio, so a loaded machine does not
    turn a correct wait into a false fail).

    ``release`` is called afterwards to unblock ``fn``, which is then given
    ``timeout`` seconds to return, so no spinning thread outlives the test.
    """
    thread = threading.Thread(target=fn, name="blocked-call", daemon=True)
    thread.start()
    start_cpu, start = thread_cpu_time(thread), time.monotonic()
    time.sleep(window)  # a measuring window, not synchronisation
    used = thread_cpu_time(thread) - start_cpu
    ratio = used / max(time.monotonic() - start, 1e-9)
    if release is not None:
        release()
        thread.join(timeout)
    return ratio


def with_cpu_share(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    """``fn(*args)``, and the share of one CPU this whole process used while it
    ran: about 1 while a thread of it spins, about 0 while everything waits.
    On a busy machine a new thread can wait for a CPU for a while: a test that
    needs a spinning thread counts only the calls in which it did spin."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn(*args)
    return result, (time.process_time() - cpu) / max(time.perf_counter() - wall, 1e-9)
