"""Public tests for the hedge exercise. Run them with `grader check hedge`
(or `pytest` in this folder).

The requests are the test's own coroutine functions: each sleeps a little
(simulated I/O), or waits until another request has ended, and then replies or
fails, or never replies at all. A cancelled request awaits CLEANUP seconds of
cleanup before it ends.
"""

from __future__ import annotations

import asyncio
import functools

from hedge import first_reply

from grader.testing.aio import Intervals, run_async

CLEANUP = 0.05  # seconds a cancelled request spends cleaning up
TIMEOUT = 0.05


class Requests:
    """Makes requests (coroutine functions of no arguments) and records them."""

    def __init__(self) -> None:
        self.rec = Intervals()
        self.cleaned: list[str] = []
        self.release = asyncio.Event()  # lets the silent requests end, after the test
        self.ended: dict[str, asyncio.Event] = {}
        self._call = self.rec.wrap(self._request)

    async def _request(self, key, after, value, error, silent, behind=None):
        try:
            if silent:
                await self.release.wait()
                return "too late"
            if behind is not None:  # once request `behind` has ended, a few steps later
                await self.ended.setdefault(behind, asyncio.Event()).wait()
                for _ in range(20):
                    await asyncio.sleep(0)
            await asyncio.sleep(after)
            if error is not None:
                raise error
            return value
        except asyncio.CancelledError:
            await asyncio.sleep(CLEANUP)  # cleanup that awaits
            self.cleaned.append(key)
            raise
        finally:
            self.ended.setdefault(key, asyncio.Event()).set()

    def reply(self, key, value, after):
        return functools.partial(self._call, key, after, value, None, False)

    def fail(self, key, error, after=0.0, behind=None):
        return functools.partial(self._call, key, after, None, error, False, behind)

    def silent(self, key):
        return functools.partial(self._call, key, 0.0, None, None, True)

    async def run(self, requests, timeout):
        """first_reply(requests, timeout): how it ended, and which requests were
        still running (and which had cleaned up) at that moment."""
        try:
            outcome = ("returned", await first_reply(requests, timeout))
        except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 - looked at below
            outcome = ("raised", exc)
        running = [c.key for c in self.rec.running()]
        cleaned = list(self.cleaned)
        self.release.set()
        for _ in range(100):  # let whatever first_reply left behind end
            if not self.rec.running():
                break
            await asyncio.sleep(0.01)
        return outcome, running, cleaned


def check_all_ended(running, cleaned, keys, when):
    assert running == [], (
        f"{when}, requests {running} were still running. first_reply must cancel every "
        "request that has not finished (task.cancel()) and then wait until they have ended "
        "(await asyncio.gather(*tasks, return_exceptions=True)) before it returns or raises.")
    missing = sorted(set(keys) - set(cleaned))
    assert not missing, (
        f"{when}, requests {missing} had not been cancelled (their cleanup never ran).")


def test_first_success_wins_and_losers_are_cancelled():
    r = Requests()
    requests = [r.silent("slow 1"), r.fail("bad", ValueError("bad")),
                r.reply("fast", "fast reply", after=0.01), r.silent("slow 2")]
    (how, value), running, cleaned = run_async(r.run, requests, 5.0, timeout=3.0,
                                               what="first_reply([slow, bad, fast, slow])")
    assert (how, value) == ("returned", "fast reply"), (
        f"first_reply should return 'fast reply' (the first request to succeed); it {how} "
        f"{value!r}")
    check_all_ended(running, cleaned, ["slow 1", "slow 2"], "when first_reply returned")


def test_all_fail_raises_the_last_error():
    r = Requests()
    last = KeyError("failed last")
    requests = [r.fail("a", last, behind="c"), r.fail("b", OSError("failed first")),
                r.fail("c", ValueError("failed second"), behind="b")]
    (how, value), running, _ = run_async(r.run, requests, 5.0, timeout=3.0,
                                         what="first_reply([a, b, c]), all failing")
    assert how == "raised" and value is last, (
        f"b failed first, then c, then a: first_reply should raise a's KeyError('failed last'), "
        f"the last error in time; it {how} {value!r}")
    assert running == []


def test_timeout_raises_timeout_error():
    r = Requests()
    keys = ["silent 1", "silent 2"]
    (how, value), running, cleaned = run_async(
        r.run, [r.silent(k) for k in keys], TIMEOUT, timeout=3.0,
        what=f"first_reply(2 requests that never reply, timeout={TIMEOUT})")
    assert how == "raised" and isinstance(value, TimeoutError), (
        f"no request replied within {TIMEOUT} s: first_reply should raise TimeoutError; it "
        f"{how} {value!r}")
    check_all_ended(running, cleaned, keys, "when first_reply raised TimeoutError")
