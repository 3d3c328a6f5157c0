"""Hidden tests for the lock_with exercise.

- Lost updates are provoked with ``inject_switches`` on a decorated
  read-modify-write (the switches are injected in this file's frames, where the
  read-modify-write is, and in lock_with.py).
- Whether calls exclude each other is shown by event order: one call is held
  inside the decorated function (it waits at a gate the test opens), and
  another call must either wait (same lock) or finish meanwhile (another lock).
- A lock left held after an exception is shown by event order too: after a
  call that raised, the given lock must be free at once, and the next call
  must finish within a generous deadline.
"""

import threading

import lock_with
import pytest
from lock_with import synchronized

from grader.testing import (
    DeadlineExceeded,
    RaceFound,
    base_seed,
    call_with_deadline,
    inject_switches,
    run_in_threads,
    start_call,
    wait_until,
    wait_until_blocked,
)

DEADLINE = 5.0  # seconds; every call here takes microseconds when it is right
SHORT_DEADLINE = 2.0  # for a call that must not be blocked: it takes microseconds
GATE_LIMIT = 20.0  # a gated body waits at most this long, so no thread waits forever


def _decorate(fn, *args, **kwargs):
    try:
        return synchronized(*args, **kwargs)(fn)
    except NotImplementedError:
        raise
    except Exception as exc:
        raise AssertionError(
            f"synchronized({', '.join(map(repr, args))}) used as a decorator raised "
            f"{type(exc).__name__}: {exc}. synchronized(lock=None) must return a decorator: "
            "a function that takes the function to wrap and returns the wrapper."
        ) from exc


class Gate:
    """A body that signals ``inside``, then waits until the test opens ``gate``."""

    def __init__(self):
        self.inside = threading.Event()
        self.gate = threading.Event()

    def hold(self):
        self.inside.set()
        self.gate.wait(GATE_LIMIT)


# --- plain behaviour ----------------------------------------------------------


@pytest.mark.lesson
def test_keeps_name_and_docstring():
    def transfer_funds(src, dst, amount=1):
        """Move ``amount`` from src to dst."""
        return (src, dst, amount)

    for args, label in (((), "synchronized()"), ((threading.Lock(),), "synchronized(lock)")):
        wrapped = _decorate(transfer_funds, *args)
        assert getattr(wrapped, "__name__", None) == "transfer_funds", (
            f"a function decorated with @{label} should keep its name 'transfer_funds', "
            f"but its __name__ is {getattr(wrapped, '__name__', None)!r}. Decorate your "
            "wrapper with @functools.wraps(fn)."
        )
        assert getattr(wrapped, "__doc__", None) == "Move ``amount`` from src to dst.", (
            f"a function decorated with @{label} should keep its docstring, but its "
            f"__doc__ is {getattr(wrapped, '__doc__', None)!r}. Decorate your wrapper with "
            "@functools.wraps(fn)."
        )
        got = call_with_deadline(wrapped, "a", "b", amount=5, deadline=DEADLINE,
                                 what=f"a function decorated with @{label}")
        assert got == ("a", "b", 5), (
            f"the decorated function should pass on its positional and keyword arguments "
            f"and return the function's result: expected ('a', 'b', 5), got {got!r}"
        )


@pytest.mark.lesson
def test_given_lock_is_the_one_held():
    lk = threading.Lock()

    def is_held():
        return lk.locked()

    for decorate in (lambda fn: _decorate(fn, lk), lambda fn: _decorate(fn, lock=lk)):
        held = call_with_deadline(decorate(is_held), deadline=DEADLINE,
                                  what="a function decorated with @synchronized(lk)")
        assert held is True, (
            "inside a function decorated with @synchronized(lk), the lock `lk` should be "
            "held, but lk.locked() was False: the wrapper must acquire the lock it was "
            "given (the `lock` argument, positional or lock=...), not a lock of its own."
        )
        assert not lk.locked(), (
            "after the decorated function returned, `lk` was still held: release it "
            "when the call ends"
        )


# --- one lock per decorated function, shared by its calls ---------------------------


@pytest.mark.lesson
def test_new_lock_per_function_keeps_out_concurrent_calls():
    state = {"value": 0}

    def bump(n):
        value = state["value"]
        value = value + n
        state["value"] = value

    safe_bump = _decorate(bump)
    per_thread = 200

    def work(n):
        def run():
            for _ in range(per_thread):
                safe_bump(n)
        return run

    with inject_switches(lock_with, bump):
        run_in_threads([work(n) for n in (1, 10, 100, 1000)], timeout=20,
                       what="the threads calling one decorated function")
    expected = per_thread * 1111
    if state["value"] != expected:
        raise RaceFound(
            f"4 threads called one function decorated with @synchronized() {per_thread} times "
            f"each; its read-modify-write should have given {expected}, got "
            f"{state['value']}: updates were lost, so calls ran at the same time. All calls of "
            "one decorated function must share ONE lock: make it once, when the function is "
            "decorated (in the decorator, outside the wrapper), not in every call. "
            f"(thread switches injected with seed {base_seed()})"
        )


@pytest.mark.lesson
@pytest.mark.timeout_s(30)
def test_second_call_waits_for_the_first():
    gate = Gate()
    log = []

    def body(name):
        log.append(f"{name} in")
        if name == "first":
            gate.hold()
        log.append(f"{name} out")

    fn = _decorate(body)
    first = start_call(fn, "first")
    second = None
    try:
        assert wait_until(lambda: gate.inside.is_set() or first.done.is_set(), DEADLINE) \
            and gate.inside.is_set(), (
                f"the first call did not enter the decorated function ({first.outcome()})")
        second = start_call(fn, "second")
        wait_until_blocked(second.thread)  # returns at once if it ran to the end instead
        entered = list(log)
    finally:
        gate.gate.set()
    first.finish("the first call, once let go", deadline=DEADLINE)
    second.finish("the second call, once the first returned", deadline=DEADLINE)
    assert entered == ["first in"], (
        "While one call of a function decorated with @synchronized() was inside it "
        f"(holding its lock), a second call got in too: events {entered}. All calls of "
        "one decorated function must share one lock, made once when the function is "
        "decorated; a lock made inside the wrapper is new for every call and keeps "
        "nobody out."
    )
    assert log == ["first in", "first out", "second in", "second out"], (
        f"expected the second call to run after the first one: events {log}"
    )


@pytest.mark.lesson
@pytest.mark.timeout_s(30)
def test_different_functions_have_different_locks():
    gate = Gate()

    def slow():
        gate.hold()

    def quick():
        return "quick"

    slow_fn, quick_fn = _decorate(slow), _decorate(quick)
    held = start_call(slow_fn)
    try:
        assert wait_until(lambda: gate.inside.is_set() or held.done.is_set(), DEADLINE) \
            and gate.inside.is_set(), (
                f"the first decorated function was not entered ({held.outcome()})")
        try:
            got = call_with_deadline(quick_fn, deadline=SHORT_DEADLINE,
                                     what="quick() while slow() is running")
        except DeadlineExceeded as exc:
            raise AssertionError(
                "slow() and quick() were each decorated with @synchronized() (no lock "
                "given), so each should get a new lock of its own; but while slow() was "
                "running, quick() had to wait for it: they share one lock. Make a new "
                "threading.Lock for each decorated function, not one for the module.\n"
                + str(exc)
            ) from None
    finally:
        gate.gate.set()
    held.finish("slow(), once let go", deadline=DEADLINE)
    assert got == "quick", f"quick() should return 'quick', got {got!r}"


@pytest.mark.lesson
@pytest.mark.timeout_s(30)
def test_functions_sharing_a_lock_exclude_each_other():
    lk = threading.Lock()
    gate = Gate()
    log = []

    def withdraw():
        log.append("withdraw in")
        gate.hold()
        log.append("withdraw out")

    def audit():
        log.append("audit in")
        log.append("audit out")

    withdraw_fn, audit_fn = _decorate(withdraw, lk), _decorate(audit, lk)
    first = start_call(withdraw_fn)
    second = None
    try:
        assert wait_until(lambda: gate.inside.is_set() or first.done.is_set(), DEADLINE) \
            and gate.inside.is_set(), f"withdraw() was not entered ({first.outcome()})"
        second = start_call(audit_fn)
        wait_until_blocked(second.thread)  # returns at once if it ran to the end instead
        entered = list(log)
    finally:
        gate.gate.set()
    first.finish("withdraw(), once let go", deadline=DEADLINE)
    second.finish("audit(), once withdraw() returned", deadline=DEADLINE)
    assert entered == ["withdraw in"], (
        "withdraw() and audit() were both decorated with @synchronized(lk), with the same "
        f"lock, but audit() ran while withdraw() was inside (events {entered}): they must "
        "exclude each other by holding the lock that was passed in."
    )


# --- the lock must be released when the function raises --------------------------


class Boom(Exception):
    """Raised on purpose by the decorated function."""


def _raise_then_work():
    def risky(fail):
        """Raises Boom when told to."""
        if fail:
            raise Boom("raised on purpose by the test")
        return "fine"

    return risky


def _check_propagated(error):
    assert isinstance(error, Boom), (
        "the decorated function raised Boom, and the caller should get that same "
        f"exception; it got {'no exception' if error is None else repr(error)}. Do not "
        "catch the exception in the wrapper: let it propagate (and release the lock on "
        "the way out, with `with lock:` or try/finally)."
    )


HELD_AFTER_RAISE = (
    "After a call of the decorated function raised an exception, the lock was still "
    "held: the wrapper skipped its release(). Use `with lock:` around the call (it "
    "releases the lock however the block is left), or acquire() then try/finally "
    "with release() in the finally."
)


@pytest.mark.lesson
def test_lock_released_after_an_exception():
    risky = _decorate(_raise_then_work())
    _check_propagated(start_call(risky, True).raised("the call that raised"))
    try:
        got = call_with_deadline(risky, False, deadline=SHORT_DEADLINE,
                                 what="the next call of the decorated function")
    except DeadlineExceeded as exc:
        raise AssertionError(f"{HELD_AFTER_RAISE} The next call waited for it forever.\n"
                             f"{exc}") from None
    assert got == "fine", f"the next call should return 'fine', got {got!r}"


@pytest.mark.lesson
def test_given_lock_released_after_an_exception():
    lk = threading.Lock()
    risky = _decorate(_raise_then_work(), lk)
    _check_propagated(start_call(risky, True).raised("the call that raised"))
    assert not lk.locked(), (
        f"{HELD_AFTER_RAISE} (The lock passed to @synchronized(lk) was still locked after "
        "the call had returned by raising.)"
    )
    got = call_with_deadline(risky, False, deadline=SHORT_DEADLINE,
                             what="the next call of the decorated function")
    assert got == "fine", f"the next call should return 'fine', got {got!r}"
