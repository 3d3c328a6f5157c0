"""Run student code under a deadline, in daemon threads that can never keep
the test process alive."""

from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from grader.diagnostics.state import STRETCH, harness_wait
from grader.runner.stacks import current_frames

DEFAULT_TIMEOUT = 5.0


class DeadlineExceeded(AssertionError):
    """A call that should have returned did not return within its deadline."""


def _not_written(fn: Callable[..., Any], exc: NotImplementedError) -> None:
    """A stub still raising NotImplementedError: the test fails now, not once it
    has waited for what that function would have done (in a graded run)."""
    from grader.diagnostics import crashes, state

    found = crashes.diagnosis(f"{_describe(fn)}()", exc)
    if found is not None:
        state.crashes.append((state.current_test, found.not_written()))


def _describe(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


_GRADER = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def stack_of(thread: threading.Thread) -> str:
    """The current stack of a live thread, innermost frame last (the grader's
    own frames left out: they are no part of the student's code)."""
    frame = current_frames().get(thread.ident or -1)
    if frame is None:
        return "  (no stack: the thread has ended)\n"
    entries = [e for e in traceback.extract_stack(frame) if not e.filename.startswith(_GRADER)]
    return "".join(traceback.format_list(entries))


_CALLED = " (called by the test)"


def call_name(fn: Callable[..., Any]) -> str:
    """The name of a thread that runs ``fn`` for the test, as students read it."""
    return f"{_describe(fn)}(){_CALLED}"


def is_test_call(thread: threading.Thread | str) -> bool:
    """Whether a thread (or a thread's name) is one the deadline helpers started
    to call the student's code, not one the student's code started."""
    return (thread if isinstance(thread, str) else thread.name).endswith(_CALLED)


class StartedCall:
    """One call running in a daemon thread, its outcome kept for the test.

    ``start_call(buf.get)`` starts it; ``wait_until_blocked(call.thread)``
    checks that it blocks; ``call.finish("get()")`` waits (with a deadline)
    and returns its result or re-raises its exception.
    """

    def __init__(self, fn: Callable[..., Any], args: Sequence[Any], kwargs: dict[str, Any],
                 name: str, background: bool = False) -> None:
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.background = background  # the test goes on meanwhile (start_call)
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        try:
            self.result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            self.error = exc
            if self.background and isinstance(exc, NotImplementedError):
                _not_written(self.fn, exc)
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
        with harness_wait(what, self.thread):
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
    call = StartedCall(fn, args, kwargs, name=call_name(fn), background=True)
    call.thread.start()
    return call


_STEP = 0.5  # seconds between two looks at the run's progress
_MOVED = 0.02  # CPU seconds per look that count as progress


def _progress() -> tuple[float, frozenset[int]]:
    """CPU seconds used so far by this process and its live descendants, and
    which descendants there are."""
    import time

    from grader.runner import procs

    kids = procs.descendants({os.getpid()})
    return time.process_time() + procs.cpu_seconds(kids), frozenset(kids)


def _wait_while_progressing(call: StartedCall, deadline: float) -> bool:
    """After the deadline: wait on while the run still works (uses CPU, starts
    or ends processes), up to ``STRETCH`` times the deadline of CPU (and four
    times that of wall time, however busy the machine is). A busy machine
    slows a correct answer down (a spawned worker imports for seconds); a hang
    does nothing, and is declared after one more look."""
    import time

    end = time.monotonic() + deadline * (STRETCH - 1) * 4  # (the machine at a quarter)
    first = before = _progress()
    while time.monotonic() < end and before[0] - first[0] < deadline * (STRETCH - 1):
        if call.done.wait(_STEP):
            return True
        now = _progress()
        if now[0] - before[0] < _MOVED and now[1] == before[1]:
            return False
        before = now
    return call.done.is_set()


def call_with_deadline(fn: Callable[..., Any], *args: Any, deadline: float = DEFAULT_TIMEOUT,
                       what: str | None = None, **kwargs: Any) -> Any:
    """Call ``fn(*args, **kwargs)`` in a daemon thread and return its result.

    Re-raises what the call raised. If it has not returned after ``deadline``
    seconds, and the run has stopped working (no CPU used, no process started
    or ended; a busy machine stretches the deadline up to ``STRETCH`` times),
    raises :class:`DeadlineExceeded` naming the call and showing where it is
    stuck; the thread is left behind as a daemon. (``timeout=`` is passed
    on to ``fn``, as student APIs often take one.)
    """
    call = StartedCall(fn, args, kwargs, name=call_name(fn))
    call.thread.start()
    label = what or f"{_describe(fn)}()"
    with harness_wait(label, call.thread):
        finished = call.done.wait(deadline) or _wait_while_progressing(call, deadline)
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
                   what: str = "the threads",
                   progress: Callable[[], object] | None = None) -> list[Any]:
    """Start every callable in its own daemon thread at once; wait for all.

    Returns the results in order; re-raises the first exception (in input order).
    Raises :class:`DeadlineExceeded` with the stuck threads' stacks if not all
    finish within ``timeout`` seconds (counted from the start of all of them).
    With ``progress`` (a callable whose value changes while the work moves on,
    such as a count of items delivered), the wait goes on past ``timeout`` for
    as long as that value keeps changing (up to ``STRETCH`` times the timeout):
    slow but working threads pass, a stall (nothing moves) fails, whatever the
    machine's load.
    """
    import time

    running = [StartedCall(fn, (), {}, name=f"worker-{i}") for i, fn in enumerate(calls)]
    for call in running:
        call.thread.start()
    start = time.monotonic()

    def wait_all(until: float) -> bool:
        for call in running:
            if not call.done.wait(max(0.0, until - time.monotonic())):
                return False
        return True

    with harness_wait(what):
        finished = wait_all(start + timeout)
        if not finished and progress is not None:
            before = progress()
            while not finished and time.monotonic() < start + timeout * STRETCH:
                finished = wait_all(time.monotonic() + 2 * _STEP)
                now = progress()
                if now == before:
                    break
                before = now
    stuck = [c for c in running if not c.done.is_set()]
    if stuck:
        stacks = "".join(f"{c.thread.name}:\n{stack_of(c.thread)}" for c in stuck)
        raise DeadlineExceeded(
            f"{len(stuck)} of {len(running)} of {what} did not finish within {timeout:g} s"
            + (", and nothing moved on in the last second" if progress is not None else "")
            + f" (a deadlock or a lost wake-up?). Where they are stuck:\n{stacks}"
        )
    for call in running:
        if call.error is not None:
            raise call.error
    return [c.result for c in running]
