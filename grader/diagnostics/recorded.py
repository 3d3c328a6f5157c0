"""The other synchronisation objects of the standard library, recorded for the
timeline: ``queue.Queue`` puts and gets, ``threading.Event`` waits and sets,
``Semaphore`` acquires and releases, ``multiprocessing`` process starts. They
keep their own behaviour; each method only records, then does its work."""

from __future__ import annotations

import functools
import queue
import threading
from multiprocessing import process as mp_process
from typing import Any

from grader.diagnostics import timeline

_done = False


def _queue() -> None:
    real_put, real_get = queue.Queue.put, queue.Queue.get

    @functools.wraps(real_put)
    def put(self: queue.Queue, item: Any, block: bool = True,
            timeout: float | None = None) -> None:
        room = not 0 < self.maxsize <= self._qsize()  # type: ignore[attr-defined]
        if room:  # (recorded before: the getter's get comes after it)
            timeline.record("put", self)
        real_put(self, item, block, timeout)
        if not room:
            timeline.record("put", self)

    @functools.wraps(real_get)
    def get(self: queue.Queue, block: bool = True, timeout: float | None = None) -> Any:
        if block and not self._qsize():  # type: ignore[attr-defined]
            timeline.record("get-wait", self)
        item = real_get(self, block, timeout)
        timeline.record("get", self)
        return item

    queue.Queue.put, queue.Queue.get = put, get  # type: ignore[method-assign]


def _event() -> None:
    real_wait, real_set = threading.Event.wait, threading.Event.set

    @functools.wraps(real_wait)
    def wait(self: threading.Event, timeout: float | None = None) -> bool:
        if not self.is_set():
            timeline.record("cond-wait", self)
        return real_wait(self, timeout)

    @functools.wraps(real_set)
    def set_(self: threading.Event) -> None:
        timeline.record("notify", self)
        real_set(self)

    threading.Event.wait, threading.Event.set = wait, set_  # type: ignore[method-assign]


def _semaphore() -> None:
    real_acquire = threading.Semaphore.acquire

    @functools.wraps(real_acquire)
    def acquire(self: threading.Semaphore, blocking: bool = True,
                timeout: float | None = None) -> bool:
        if blocking and self._value == 0:  # type: ignore[attr-defined]
            timeline.record("wait", self)
        got = real_acquire(self, blocking, timeout)
        if got:
            timeline.record("take", self)
        return got

    threading.Semaphore.acquire = acquire  # type: ignore[method-assign]
    threading.Semaphore.__enter__ = acquire  # type: ignore[method-assign]
    for cls in (threading.Semaphore, threading.BoundedSemaphore):
        if "release" in vars(cls):  # (a subclass that has its own)
            cls.release = _recorded_release(cls.release)  # type: ignore[method-assign]


def _recorded_release(real_release: Any) -> Any:
    @functools.wraps(real_release)
    def release(self: threading.Semaphore, n: int = 1) -> None:
        timeline.record("release", self)  # (before: a waiter's take comes after it)
        real_release(self, n)

    return release


def _process() -> None:
    real_start = mp_process.BaseProcess.start

    @functools.wraps(real_start)
    def start(self: mp_process.BaseProcess) -> None:
        timeline.record("process-start", self, name="", thread=self,
                        other=timeline.holder_name_of(threading.get_ident()))
        real_start(self)

    mp_process.BaseProcess.start = start  # type: ignore[method-assign]


def install() -> None:
    """Wrap the methods (once)."""
    global _done
    if not _done:
        _done = True
        _queue()
        _event()
        _semaphore()
        _process()
