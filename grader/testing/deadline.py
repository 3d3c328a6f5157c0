"""Run student code under a deadline, in daemon threads that can never keep
the test process alive."""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from grader.diagnostics.state import harness_wait

DEFAULT_TIMEOUT = 5.0


class DeadlineExceeded(AssertionError):
    """A call that should have returned did not return within its deadline."""


def _describe(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


def stack_of(thread: threading.Thread) -> str:
    """The current stack of a live thread, innermost frame last."""
    frame = sys._current_frames().get(thread.ident or -1)
    if frame is None:
        return "  (no stack: the thread has ended)\n"
    return "".join(traceback.format_stack(frame))


class StartedCall:
    """One call running in a daemon thread, its outcome kept for the test.

    ``start_call(buf.get)`` starts it; ``wait_until_blocked(call.thread)``
    checks that it blocks; ``call.finish("get()")`` waits (with a deadline)
    and returns its result or re-raises its exception.
    """

    def __init__(self, fn: Callable[..., Any], args: Sequence[Any], kwargs: dict[str, Any],
                 name: str) -> None:
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        try:
            self.result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            self.error = exc
        finally:
            self.done.set()

    def outcome(self) -> str:
        """What the call did so far, in words, for a failure message."""
        if not self.done.is_set():
            return "it is still running"
        if self.error is not None:
            return f"it raised {type(self.error).__name__}: {self.error}"
        return f"it returned {self.result!r}"

    def raised(self, what: str, deadline: float = DEFAULT_TIMEOUT) -> BaseException | None:
        """Wait for the call to end: what it raised, or None if it returned."""
        self.finish_quietly(what, deadline)
        return self.error

    def finish_quietly(self, what: str, deadline: float) -> None:
        """Wait for the call to end, or raise :class:`DeadlineExceeded`."""
        with harness_wait(what):
            finished = self.done.wait(deadline)
        if not finished:
            raise DeadlineExceeded(
                f"{what} did not return within {deadline:g} s; it is stuck here:\n"
                f"{stack_of(self.thread)}"
                "Was it never woken up (a notify that never came, or one that woke the "
                "wrong thread)?")

    def finish(self, what: str, deadline: float = DEFAULT_TIMEOUT) -> Any:
        """Wait for the call to return: its result, or its exception re-raised."""
        self.finish_quietly(what, deadline)
        if self.error is not None:
            raise self.error
        return self.result


def start_call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> StartedCall:
    """Start ``fn(*args, **kwargs)`` in a daemon thread and return at once."""
    call = StartedCall(fn, args, kwargs, name=f"test:{_describe(fn)}")
    call.thread.start()
    return call


def call_with_deadline(fn: Callable[..., Any], *args: Any, deadline: float = DEFAULT_TIMEOUT,
                       what: str | None = None, **kwargs: Any) -> Any:
    """Call ``fn(*args, **kwargs)`` in a daemon thread and return its result.

    Re-raises what the call raised. If it has not returned after ``deadline``
    seconds, raises :class:`DeadlineExceeded` naming the call and showing where
    it is stuck; the thread is left behind as a daemon. (``timeout=`` is passed
    on to ``fn``, as student APIs often take one.)
    """
    call = StartedCall(fn, args, kwargs, name=f"deadline:{_describe(fn)}")
    call.thread.start()
    label = what or f"{_describe(fn)}()"
    with harness_wait(label):
        finished = call.done.wait(deadline)
    if not finished:
        raise DeadlineExceeded(
            f"{label} did not return within {deadline:g} s; it is stuck here:\n"
            f"{stack_of(call.thread)}"
            "A call that never returns usually waits for a lock, a condition or a "
            "queue item that nobody will ever release, notify or put."
        )
    if call.error is not None:
        raise call.error
    return call.result


def run_in_threads(calls: Iterable[Callable[[], Any]], timeout: float = DEFAULT_TIMEOUT,
                   what: str = "the threads") -> list[Any]:
    """Start every callable in its own daemon thread at once; wait for all.

    Returns the results in order; re-raises the first exception (in input order).
    Raises :class:`DeadlineExceeded` with the stuck threads' stacks if not all
    finish within ``timeout`` seconds (counted from the start of all of them).
    """
    import time

    running = [StartedCall(fn, (), {}, name=f"worker-{i}") for i, fn in enumerate(calls)]
    for call in running:
        call.thread.start()
    end = time.monotonic() + timeout
    with harness_wait(what):
        for call in running:
            call.done.wait(max(0.0, end - time.monotonic()))
    stuck = [c for c in running if not c.done.is_set()]
    if stuck:
        stacks = "".join(f"{c.thread.name}:\n{stack_of(c.thread)}" for c in stuck)
        raise DeadlineExceeded(
            f"{len(stuck)} of {len(running)} of {what} did not finish within {timeout:g} s "
            f"(a deadlock or a lost wake-up?). Where they are stuck:\n{stacks}"
        )
    for call in running:
        if call.error is not None:
            raise call.error
    return [c.result for c in running]
