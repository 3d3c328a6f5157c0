"""Hidden tests for the hedge exercise (first_reply: the first reply wins).

Every test runs first_reply through run_async in a fresh, watched event loop.
The requests are the test's own coroutine functions (a Script): each is
recorded by Intervals (when it started and ended, and how: done, raised or
cancelled), then sleeps a short while on the loop's clock, or waits until
another request has ended (and STEPS more steps of the loop), or waits for an
event that only the test sets, and then returns or raises. A cancelled request
needs CLEANUP seconds to clean up (an await in its `except CancelledError:`),
and records when that cleanup has finished.

What first_reply left behind is read the moment it returns or raises (which
requests were still running, which had finished their cleanup); only then does
the test let the leftovers finish, so that a wrong answer fails with its own
message and not a hang. Verdicts never depend on how long anything really took:
"late" replies are timers on the same loop clock as first_reply's timeout, and
the loop fires timers in the order of their deadlines however busy the machine.
The caller's cancellation is sent once every request has started; the replies
come only if first_reply is still running GIVE_UP s later (a right one has
ended after CLEANUP s), so one that swallowed the CancelledError returns one.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from hedge import first_reply

from grader.runner.protocol import Status
from grader.testing.aio import Diagnosed, Intervals, assert_concurrent, run_async

CLEANUP = 0.05  # seconds a cancelled request spends cleaning up (awaiting)
TIMEOUT = 0.05  # first_reply's timeout in the timeout tests
LATE = 0.3      # a reply this late comes after TIMEOUT + CLEANUP on the loop's clock
PATIENCE = 5.0  # first_reply's timeout where no timeout is meant to happen
RUN = 3.0       # run_async's own limit (a correct first_reply takes well under 0.5 s)
GIVE_UP = 1.0   # seconds after a cancel that first_reply has to end (it takes CLEANUP)
STEPS = 20      # steps of the loop between one request's end and the next one's reply
                # (first_reply sees a reply within 2 or 3): which came first is never
                # left to the clock, so asyncio.wait's unordered `done` set sees one at a time


class Script:
    """The test's requests, as first_reply gets them: coroutine functions of no
    arguments (``request()``), each recorded under its key."""

    def __init__(self) -> None:
        self.rec = Intervals()
        self.release = asyncio.Event()   # set by the test once first_reply has ended
        self.cancel_seen: list[str] = []  # requests that received their CancelledError
        self.cleaned: list[str] = []      # ... and finished their cleanup
        # the task each request runs in (weakly: the test keeps no task alive)
        self.tasks: weakref.WeakValueDictionary[str, asyncio.Task[Any]] = (
            weakref.WeakValueDictionary())
        self.ended: dict[str, asyncio.Event] = {}
        self._call = self.rec.wrap(self._request)

    def _ended(self, key: str) -> asyncio.Event:
        return self.ended.setdefault(key, asyncio.Event())

    async def _request(self, key: str, after: float, value: Any,
                       error: Exception | None, hang: bool, behind: str | None) -> Any:
        task = asyncio.current_task()
        assert task is not None
        self.tasks[key] = task
        try:
            if hang:  # no reply until the test lets it go, after first_reply ended
                await self.release.wait()
                return f"{key} reply"
            if behind is None:
                await asyncio.sleep(after)
            else:  # once `behind` has ended and first_reply has had time to see it
                try:
                    async with asyncio.timeout(after):  # (in case `behind` never starts)
                        await self._ended(behind).wait()
                except TimeoutError:
                    pass
                for _ in range(STEPS):
                    await asyncio.sleep(0)
            if error is not None:
                raise error
            return value
        except asyncio.CancelledError:
            self.cancel_seen.append(key)
            await asyncio.sleep(CLEANUP)  # cleanup that awaits (closing a connection)
            self.cleaned.append(key)
            raise
        finally:
            self._ended(key).set()

    def reply(self, key: str, value: Any, after: float = 0.0, behind: str | None = None):
        """Returns ``value`` after ``after`` seconds, or if ``behind`` is given, once
        that request has ended (or after ``after`` seconds if it never does)."""
        return functools.partial(self._call, key, after, value, None, False, behind)

    def fail(self, key: str, after: float = 0.0, error: Exception | None = None,
             behind: str | None = None):
        """Raises ``error`` (by default ValueError('<key> failed')), when ``reply`` would
        return."""
        return functools.partial(self._call, key, after, None,
                                 error or ValueError(f"{key} failed"), False, behind)

    def hang(self, key: str):
        """Replies only when the test lets it (after first_reply has ended)."""
        return functools.partial(self._call, key, 0.0, None, None, True, None)

    def cancel_requested(self, key: str) -> bool:
        task = self.tasks.get(key)
        return key in self.cancel_seen or (task is not None and task.cancelling() > 0)

    async def outcome(self, how: str, value: Any) -> Outcome:
        """What first_reply left behind right now; then let the leftovers end."""
        running = [c.key for c in self.rec.running()]
        out = Outcome(how, value, running, self.rec.cancelled(), list(self.cleaned),
                      list(self.cancel_seen), [k for k in running if self.cancel_requested(k)],
                      [c.key for c in self.rec.calls if c.outcome == "raised"],
                      self.rec.story(12))
        self.release.set()
        for _ in range(100):  # at least 1 s on the loop's clock: cleanups take CLEANUP
            if not self.rec.running():
                break
            await asyncio.sleep(0.01)
        return out


@dataclass
class Outcome:
    how: str                # "returned", "raised" or "cancelled" (raised CancelledError)
    value: Any              # the result, or the exception
    running: list[str]      # requests not finished when first_reply ended
    cancelled: list[str]    # requests that had ended cancelled by then
    cleaned: list[str]      # ... and those whose cleanup had finished
    cancel_seen: list[str]  # ... and those that had received their CancelledError
    cancel_pending: list[str] = field(default_factory=list)  # running, cancel() called
    failed: list[str] = field(default_factory=list)  # requests that had raised by then
    story: str = ""

    def said(self) -> str:
        if self.how == "returned":
            return f"returned {self.value!r}"
        return f"raised {self.value!r}"


async def _first_reply(script: Script, requests, timeout: float) -> Outcome:
    try:
        value = await first_reply(requests, timeout)
    except asyncio.CancelledError as exc:
        return await script.outcome("cancelled", exc)
    except Exception as exc:  # noqa: BLE001 - the test looks at it
        return await script.outcome("raised", exc)
    return await script.outcome("returned", value)


NO_TIMEOUT_ADVICE = (
    "first_reply was given timeout={timeout}, and no request would ever succeed: it must "
    "raise TimeoutError after {timeout} s, not wait for ever. Wrap the waiting in "
    "`async with asyncio.timeout(timeout):` (or use asyncio.wait(..., timeout=...)) and "
    "cancel the requests when it expires.")


def call(script: Script, requests, timeout: float, what: str) -> Outcome:
    """first_reply(requests, timeout) under run_async; what it left behind."""
    try:
        return run_async(_first_reply, script, requests, timeout, timeout=RUN, what=what)
    except Diagnosed as exc:
        if exc.diagnosis.kind is Status.STALL and timeout < RUN:
            advice = NO_TIMEOUT_ADVICE.format(timeout=timeout)
            raise Diagnosed(replace(exc.diagnosis, advice=(
                f"{advice} {exc.diagnosis.advice}".strip()))) from None
        raise


def expect_returned(out: Outcome, value: Any, what: str) -> None:
    assert out.how == "returned", (
        f"{what}: first_reply should have returned {value!r}; it {out.said()}. "
        f"Order of events: {out.story}")
    assert out.value == value, (
        f"{what}: first_reply returned {out.value!r}, expected {value!r} (the first request "
        f"to succeed, in the order they finished). Order of events: {out.story}")


def expect_timeout(out: Outcome, what: str) -> None:
    if out.how == "cancelled":
        pytest.fail(f"{what}: first_reply raised CancelledError, expected TimeoutError. A "
                    "CancelledError must never be reported as a request's failure: when the "
                    "timeout expires raise TimeoutError (asyncio.timeout() does it for you, "
                    "if the CancelledError it uses reaches it).", pytrace=False)
    assert out.how == "raised" and isinstance(out.value, TimeoutError), (
        f"{what}: first_reply should have raised TimeoutError; it {out.said()}. "
        f"Order of events: {out.story}")


def expect_all_ended(out: Outcome, keys: list[str], when: str) -> None:
    """Every one of ``keys`` had ended (cancelled, cleanup done) when first_reply ended."""
    never = [k for k in keys if k in out.running and k not in out.cancel_pending]
    assert not never, (
        f"{when}, requests {never} were still running: nobody had cancelled them. "
        "first_reply must cancel every request that has not finished (`task.cancel()`) and "
        "wait for them to end (`await asyncio.gather(*tasks, return_exceptions=True)`) "
        "before it returns or raises; otherwise they run on after it, for nothing (and "
        "`asyncio.wait` never cancels anything). "
        f"Order of events: {out.story}")
    asked = [k for k in keys if k in out.running and k not in out.cancel_seen]
    cleaning = [k for k in keys if k in out.running and k in out.cancel_seen]
    if asked or cleaning:
        state = "; ".join(part for part in (
            asked and f"{asked} had not even received their CancelledError yet",
            cleaning and f"{cleaning} were still cleaning up (each awaits {CLEANUP} s in its "
            "`except CancelledError:` before it re-raises)") if part)
        pytest.fail(
            f"{when}, requests had been cancelled but had not finished: {state}. "
            "`task.cancel()` only asks: the CancelledError is raised inside the task at its "
            "next step, and its cleanup may await for a while. Wait until the cancelled tasks "
            "have ended before returning: `await asyncio.gather(*tasks, "
            "return_exceptions=True)`; one `await asyncio.sleep(0)` is not enough. "
            f"Order of events: {out.story}", pytrace=False)
    not_cancelled = [k for k in keys if k not in out.cancelled]
    assert not not_cancelled, (
        f"{when}, requests {not_cancelled} had ended without being cancelled. "
        f"Order of events: {out.story}")
    assert sorted(set(keys) - set(out.cleaned)) == [], (
        f"{when}, the cleanup of requests {sorted(set(keys) - set(out.cleaned))} had not "
        "finished.")


# --- the first success wins ---------------------------------------------------------------


def test_first_to_succeed_wins_not_first_in_list():
    s = Script()
    requests = [s.reply("slow", "slow reply", after=LATE, behind="fast"),
                s.reply("fast", "fast reply", after=0.01)]
    out = call(s, requests, PATIENCE, "first_reply([slow, fast])")
    expect_returned(out, "fast reply", "the second request replied first")
    expect_all_ended(out, ["slow"], "when first_reply returned")


def test_all_requests_start_at_once():
    s = Script()
    keys = [f"replica {i}" for i in range(5)]
    # replicas 0-3 would fail once replica 4 has replied (after 0.1 s if it has not started)
    requests = [s.fail(key, after=0.1, behind="replica 4") for key in keys[:4]]
    requests.append(s.reply("replica 4", "replica 4", after=0.01))
    out = call(s, requests, PATIENCE, "first_reply(5 requests)")
    assert_concurrent(s.rec, "first_reply(5 requests)", at_least=5)
    expect_returned(out, "replica 4", "the last request replied first")


def test_first_success_wins_after_earlier_failures():
    s = Script()
    requests = [s.fail("bad a", after=0.0), s.hang("stuck"), s.fail("bad b", after=0.01),
                s.reply("good", "good reply", after=0.03),
                s.reply("later", "later", after=LATE, behind="good")]
    out = call(s, requests, PATIENCE, "first_reply([bad, stuck, bad, good, later])")
    expect_returned(out, "good reply", "two requests failed, then one succeeded")
    expect_all_ended(out, ["stuck", "later"], "when first_reply returned")


def test_a_falsy_result_is_a_success():
    for value in (None, 0):
        s = Script()
        requests = [s.fail("bad", after=0.0), s.reply("empty", value, after=0.01),
                    s.reply("later", "later", after=LATE, behind="empty")]
        out = call(s, requests, PATIENCE, f"first_reply (a request returns {value!r})")
        expect_returned(out, value, f"a request returned {value!r} (a success: it did not "
                        "raise); use a flag or a sentinel object, not the value, to tell "
                        "success from failure")


def test_one_request():
    s = Script()
    out = call(s, [s.reply("only", 42, after=0.01)], PATIENCE, "first_reply([only])")
    expect_returned(out, 42, "a single request")
    s = Script()
    error = ValueError("only failed")
    out = call(s, [s.fail("only", after=0.01, error=error)], PATIENCE, "first_reply([failing])")
    assert out.how == "raised" and out.value is error, (
        f"a single request failed with ValueError('only failed'): first_reply should raise "
        f"that error; it {out.said()}")


# --- all fail ------------------------------------------------------------------------------


def test_all_fail_raises_the_last_error():
    s = Script()
    errors = {"a": KeyError("a failed last"), "b": OSError("b failed first"),
              "c": ValueError("c failed second")}
    requests = [s.fail("a", after=LATE, error=errors["a"], behind="c"),
                s.fail("b", after=0.0, error=errors["b"]),
                s.fail("c", after=LATE, error=errors["c"], behind="b")]
    out = call(s, requests, PATIENCE, "first_reply([a, b, c]), all failing")
    assert out.how == "raised", (
        f"all three requests failed: first_reply should raise the last error (a's "
        f"KeyError); it {out.said()}.")
    assert out.value is errors["a"], (
        f"all three failed, b first, then c, then a: first_reply should raise the error of "
        f"the one that failed last, a's KeyError('a failed last'); it {out.said()}. (The "
        "last error in time, not the last request in the list; and the exception itself, "
        "not a new one or an ExceptionGroup.)")
    assert out.running == [], f"after all failed, {out.running} were still running"


def test_timeout_after_some_failures_raises_timeout_error():
    s = Script()
    out = call(s, [s.fail("bad", after=0.0), s.hang("stuck")], TIMEOUT,
               f"first_reply([bad, stuck], timeout={TIMEOUT})")
    expect_timeout(out, f"one request failed at once and the other never replied within "
                   f"{TIMEOUT} s: that is a timeout, not a failure of all")
    expect_all_ended(out, ["stuck"], "when first_reply raised TimeoutError")


# --- the lessons -------------------------------------------------------------------------


@pytest.mark.lesson
def test_losers_cancelled_when_one_wins():
    s = Script()
    requests = [s.hang("slow 1"), s.reply("fast", "fast reply", after=0.01), s.hang("slow 2"),
                s.hang("slow 3")]
    out = call(s, requests, PATIENCE, "first_reply([slow, fast, slow, slow])")
    expect_returned(out, "fast reply", "one request replied, three never did")
    expect_all_ended(out, ["slow 1", "slow 2", "slow 3"], "when first_reply returned")


@pytest.mark.lesson
def test_cancelled_losers_cleanup_awaited():
    s = Script()
    requests = [s.reply("late 1", "late", after=LATE, behind="winner"),
                s.reply("late 2", "late", after=LATE, behind="winner"),
                s.fail("bad", after=0.0), s.reply("winner", "winner's reply", after=0.01)]
    out = call(s, requests, PATIENCE, "first_reply([late, late, bad, winner])")
    expect_returned(out, "winner's reply", "one request failed, one replied")
    expect_all_ended(out, ["late 1", "late 2"], "when first_reply returned")


@pytest.mark.lesson
def test_timeout_raises_timeout_error():
    s = Script()
    keys = ["silent 1", "silent 2", "silent 3"]
    out = call(s, [s.hang(k) for k in keys], TIMEOUT,
               f"first_reply(3 requests that never reply, timeout={TIMEOUT})")
    expect_timeout(out, f"no request replied within {TIMEOUT} s")
    expect_all_ended(out, keys, "when first_reply raised TimeoutError")


@pytest.mark.lesson
def test_timeout_covers_the_whole_call():
    s = Script()
    failing = [f"fails at {0.03 * i:.2f} s" for i in range(1, 6)]
    requests = [s.hang("silent")] + [s.fail(k, after=0.03 * i) for i, k in
                                     enumerate(failing, start=1)]
    out = call(s, requests, TIMEOUT,
               f"first_reply(one silent request, five failing 0.03 s apart, timeout={TIMEOUT})")
    expect_timeout(out, f"no request succeeded within {TIMEOUT} s")
    too_late = failing[3:]  # due at 0.12 and 0.15 s, long after the timeout
    failed = [k for k in out.failed if k in too_late]
    assert not failed, (
        f"timeout={TIMEOUT} s, yet requests {failed} were still allowed to fail at 0.12 s and "
        "later: the timeout only ended the call once no request had failed for "
        f"{TIMEOUT} s. The timeout is for the whole call, counted from its start, not for "
        "each wait: enter `async with asyncio.timeout(timeout):` once around all the waiting "
        "(or compute the time left before each wait). "
        f"Order of events: {out.story}")
    expect_all_ended(out, ["silent"] + too_late, "when first_reply raised TimeoutError")


@pytest.mark.lesson
def test_timeout_cancellation_not_swallowed():
    s = Script()
    keys = ["late 1", "late 2"]
    out = call(s, [s.reply(k, f"{k} reply", after=LATE) for k in keys], TIMEOUT,
               f"first_reply(2 requests replying after {LATE} s, timeout={TIMEOUT})")
    if out.how == "returned":
        pytest.fail(
            f"timeout={TIMEOUT} s and both requests reply only after {LATE} s, but first_reply "
            f"returned {out.value!r} instead of raising TimeoutError: it waited past its "
            "timeout. If you use asyncio.timeout(): it works by cancelling your task, and the "
            "CancelledError it throws into your `await` must reach the end of the `async "
            "with` block, where it becomes TimeoutError. Your code must have caught it and "
            "carried on waiting (an `except BaseException:`, a bare `except:`, or `except "
            "asyncio.CancelledError:` that does not re-raise). Catch `Exception` "
            "(CancelledError is not one) for the requests' errors. "
            f"Order of events: {out.story}", pytrace=False)
    expect_timeout(out, f"no request replied within {TIMEOUT} s")
    expect_all_ended(out, keys, "when first_reply raised TimeoutError")


@pytest.mark.lesson
def test_caller_cancellation_propagates():
    s = Script()
    keys = ["replica 1", "replica 2", "replica 3"]
    requests = [s.hang(k) for k in keys]
    let_go_early = []

    async def cancel_while_waiting() -> Outcome:
        call_task = asyncio.create_task(first_reply(requests, PATIENCE))
        for _ in range(50):  # a few steps of the loop: the requests start
            if len(s.rec.calls) == len(keys):
                break
            await asyncio.sleep(0)
        call_task.cancel()  # the caller gives up (its own timeout, a user's Ctrl-C ...)
        # A right first_reply ends within CLEANUP s. One that caught the CancelledError
        # and carries on waiting gets the replies, then (instead of waiting for ever).
        await asyncio.wait({call_task}, timeout=GIVE_UP)
        if not call_task.done():
            let_go_early.append(True)
            s.release.set()
        try:
            value = await call_task
        except asyncio.CancelledError as exc:
            return await s.outcome("cancelled", exc)
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            return await s.outcome("raised", exc)
        return await s.outcome("returned", value)

    out = run_async(cancel_while_waiting, timeout=RUN,
                    what="first_reply, cancelled by its caller while waiting")
    waited = (" it kept waiting until the test let the replies come, then"
              if let_go_early else "")
    assert out.how == "cancelled", (
        "the caller cancelled first_reply (call_task.cancel()) while it waited for replies; "
        f"it should have raised CancelledError, but{waited} it {out.said()}. A CancelledError "
        "that reaches your code is not a request's failure: it means 'stop now'. Clean up "
        "(cancel the requests and wait for them, in a `finally:`) and let it propagate; never "
        "catch it and carry on (`except BaseException:`, a bare `except:`, or `except "
        f"asyncio.CancelledError:` without `raise`). Order of events: {out.story}")
    # (If the machine stalled for GIVE_UP s and the replies were let go early, a request
    # may have replied before the cancellation reached it: then none may still run.)
    ended = keys if not let_go_early else [k for k in keys
                                           if k in out.running or k in out.cancel_seen]
    expect_all_ended(out, ended, "when first_reply raised CancelledError")
