"""Hidden tests for the handoff exercise (Handoff: submit / serve with Events).

Every "must not happen" is shown by the order of events, never by a tight clock:
the test's handler holds chosen items on an Event the test controls, so the
test knows the server is busy with a given item while it looks at what the
producers do (a producer that returns while its item is still held got a
result that is not its own). Producers are waited for through the deadline
helpers, so a lost wake-up (everybody waiting, nobody to notify) is reported by
the grader as a stall.
"""

import threading

import handoff
import pytest
from handoff import Handoff

from grader.testing import (
    DeadlineExceeded,
    busy_cpu_ratio,
    call_with_deadline,
    inject_switches,
    run_in_threads,
    start_call,
    wait_until,
    wait_until_blocked,
)

DEADLINE = 5.0
BUSY_LIMIT = 0.02  # share of a CPU: a blocked wait uses about 0.00001, a spin 0.1-1


def answer(item):
    """What the test's handler returns for ``item``: derived from the item."""
    return f"result of {item!r}"


class Handler:
    """The test's handler: records each call and its thread; holds the items in
    ``held`` until the test calls ``release(item)``."""

    def __init__(self, held=()):
        self.lock = threading.Lock()
        self.calls = []
        self.threads = set()
        self.gates = {item: threading.Event() for item in held}
        self.entered = {item: threading.Event() for item in held}

    def __call__(self, item):
        with self.lock:
            self.calls.append(item)
            self.threads.add(threading.current_thread())
        if item in self.gates:
            self.entered[item].set()
            self.gates[item].wait(DEADLINE)  # timed: never mistaken for a stall
        return answer(item)

    def release(self, item=None):
        for key, gate in self.gates.items():
            if item is None or key == item:
                gate.set()


def start_server(box, handler):
    """serve(handler) in a daemon thread, given time to reach its first wait."""
    ended = []

    def run():
        try:
            box.serve(handler)
            ended.append("it returned")
        except BaseException as exc:
            ended.append(f"it raised {type(exc).__name__}: {exc}")
            raise

    server = threading.Thread(target=run, daemon=True, name="server")
    server.start()
    wait_until_blocked(server, timeout=1.0)
    if not server.is_alive():
        wait_until(lambda: ended, timeout=1.0)
        pytest.fail(f"serve(handler) ended at once ({', '.join(ended) or 'ended'}); it must "
                    "process submissions forever: loop, waiting for the next item",
                    pytrace=False)
    return server


def must_still_wait(call, item, why):
    """``call`` (a submit of ``item``) must still be blocked: its item is held."""
    wait_until_blocked(call.thread, timeout=1.0)  # False at once if it returned
    if call.done.is_set():
        pytest.fail(f"submit({item!r}) returned before the server had processed {item!r} "
                    f"({call.outcome()}; the server is still holding {item!r}). {why}",
                    pytrace=False)


# --- the basics -------------------------------------------------------------------


def test_submit_returns_the_handlers_result():
    box, handler = Handoff(), Handler()
    server = start_server(box, handler)
    got = call_with_deadline(box.submit, 21, what="submit(21) with a server running")
    assert got == answer(21), (
        f"submit(21) returned {got!r}, expected {answer(21)!r}, what handler(21) returned"
    )
    assert handler.calls == [21], f"the handler was called with {handler.calls}, expected [21]"
    assert handler.threads == {server}, (
        "the handler ran in another thread than the one running serve(): submit must "
        "hand the item to the server thread and wait, not call the handler itself"
    )


def test_submit_times_out_without_a_server():
    box = Handoff()
    with pytest.raises(TimeoutError):
        call_with_deadline(box.submit, "nobody", timeout=0.05,
                           what="submit('nobody', timeout=0.05) with no server")
    start_server(box, Handler())
    got = call_with_deadline(box.submit, "later", timeout=DEADLINE,
                             what="submit('later') once a server runs")
    assert got == answer("later"), (
        f"after a submission timed out, submit('later') returned {got!r}, expected "
        f"{answer('later')!r}: a result left over from the timed-out submission?"
    )


# --- a stale result: Event.clear() ------------------------------------------------


@pytest.mark.lesson
def test_two_submissions_in_a_row_get_their_own_results():
    box, handler = Handoff(), Handler(held=["second"])
    start_server(box, handler)
    first = call_with_deadline(box.submit, "first", what="submit('first')")
    assert first == answer("first"), f"submit('first') returned {first!r}"
    call = start_call(box.submit, "second")
    try:
        wait_until(lambda: handler.entered["second"].is_set() or call.done.is_set(),
                   DEADLINE)
        must_still_wait(call, "second", (
            "It returned the result of the previous submission: the Event that says "
            "'result ready' was still set from the first submit. An Event stays set "
            "until someone calls clear(): clear it before the next submission waits on "
            "it, or better, give every submission its own Event."))
    finally:
        handler.release()
    second = call.finish("submit('second') once the server processed it")
    assert second == answer("second"), (
        f"submit('second') returned {second!r}, expected {answer('second')!r}: a stale "
        "result from the first submission (an Event left set, or a result slot reused)"
    )


@pytest.mark.lesson
def test_many_submissions_in_a_row():
    box, handler = Handoff(), Handler()
    start_server(box, handler)
    got = [call_with_deadline(box.submit, i, what=f"submit({i})") for i in range(30)]
    wrong = [(i, r) for i, r in enumerate(got) if r != answer(i)]
    assert not wrong, (
        f"submissions one after the other got other items' results: (item, result) "
        f"{wrong[:5]}. Each submit must wait for the result of ITS item; an Event "
        "that is never cleared makes the next submit return the previous result."
    )


# --- several producers: one slot overwritten ------------------------------------


@pytest.mark.lesson
def test_producer_waiting_while_the_server_is_busy():
    box, handler = Handoff(), Handler(held=["a", "b"])
    start_server(box, handler)
    a = start_call(box.submit, "a")
    try:
        assert wait_until(lambda: handler.entered["a"].is_set() or a.done.is_set(),
                          DEADLINE) and not a.done.is_set(), (
            f"the server never called handler('a') after submit('a') ({a.outcome()})"
        )
        b = start_call(box.submit, "b")
        wait_until_blocked(b.thread, timeout=1.0)
        if b.done.is_set():
            pytest.fail(f"submit('b') did not wait while the server was busy with 'a': "
                        f"{b.outcome()}", pytrace=False)
        handler.release("a")
        got_a = a.finish("submit('a') once the server processed 'a'")
        assert got_a == answer("a"), (
            f"submit('a') returned {got_a!r}, expected {answer('a')!r}: while the server "
            "worked on 'a', submit('b') overwrote the shared item or result"
        )
        wait_until(lambda: handler.entered["b"].is_set() or b.done.is_set(), DEADLINE)
        must_still_wait(b, "b", (
            "Two producers shared one slot: submit('b') woke up when the result of 'a' "
            "was ready and took it. Give every submission its own result slot and its "
            "own Event (or serialise the producers so only one submission is in flight)."))
    finally:
        handler.release()
    got_b = b.finish("submit('b') once the server processed it")
    assert got_b == answer("b"), (
        f"submit('b') returned {got_b!r}, expected {answer('b')!r}: the producers "
        "overwrote each other's item or result"
    )
    assert handler.calls == ["a", "b"], (
        f"the handler was called with {handler.calls}, expected ['a', 'b'] (each item "
        "once, in the order submitted)"
    )


@pytest.mark.lesson
@pytest.mark.timeout_s(20)
def test_many_producers_at_once():
    producers, per_producer = 6, 12
    box, handler = Handoff(), Handler()
    start_server(box, handler)
    mismatches = []

    def producer(k):
        def run():
            for j in range(per_producer):
                item = (k, j)
                got = box.submit(item)
                if got != answer(item):
                    mismatches.append((item, got))
        return run

    with inject_switches(handoff):
        try:
            run_in_threads([producer(k) for k in range(producers)], timeout=DEADLINE,
                           what=f"{producers} producers submitting at once")
        except DeadlineExceeded as exc:
            raise DeadlineExceeded(
                f"{producers} producers submitting at once got stuck: a submission (or "
                "its wake-up) was lost, for example because one producer overwrote or "
                f"cleared what another had just set.\n{exc}") from None
    assert not mismatches, (
        f"{len(mismatches)} submissions got the result of another item, (item, result): "
        f"{mismatches[:4]}. Producers submitting at the same time overwrote one shared "
        "slot. Give every submission its own result slot and Event."
    )
    assert sorted(handler.calls) == sorted((k, j) for k in range(producers)
                                          for j in range(per_producer)), (
        "the handler was not called exactly once for every submitted item"
    )


# --- a lost wake-up ----------------------------------------------------------------


@pytest.mark.lesson
def test_submit_before_the_server_starts():
    box, handler = Handoff(), Handler()
    call = start_call(box.submit, "early")
    wait_until_blocked(call.thread, timeout=1.0)
    if call.done.is_set():
        pytest.fail(f"submit('early') with no server running did not wait: {call.outcome()}",
                    pytrace=False)
    start_server(box, handler)
    try:
        got = call.finish("submit('early'), made before the server started")
    except DeadlineExceeded as exc:
        raise DeadlineExceeded(
            "The item submitted before serve() started was never processed: the "
            "notification was sent while nobody was waiting, and lost (a Condition's "
            "notify is not remembered). Use an Event (it stays set until cleared), or "
            f"check a shared flag or queue before waiting.\n{exc}") from None
    assert got == answer("early"), f"submit('early') returned {got!r}"


def test_submit_while_the_server_is_busy_is_not_lost():
    box, handler = Handoff(), Handler(held=["busy"])
    start_server(box, handler)
    first = start_call(box.submit, "busy")
    try:
        assert wait_until(lambda: handler.entered["busy"].is_set() or first.done.is_set(),
                          DEADLINE) and not first.done.is_set(), (
            f"the server never called handler('busy') ({first.outcome()})"
        )
        second = start_call(box.submit, "next")
        wait_until_blocked(second.thread, timeout=1.0)
    finally:
        handler.release()
    assert first.finish("submit('busy')") == answer("busy")
    got = second.finish("submit('next'), made while the server was busy")
    assert got == answer("next"), f"submit('next') returned {got!r}, expected {answer('next')!r}"


# --- no busy-waiting -----------------------------------------------------------------


@pytest.mark.lesson
@pytest.mark.cpu_sensitive
def test_submit_does_not_busy_wait():
    box = Handoff()
    returned = []
    ratio = busy_cpu_ratio(lambda: returned.append(box.submit("waiting")),
                           release=lambda: start_server(box, Handler()))
    assert ratio < BUSY_LIMIT, (
        f"submit() used {ratio:.0%} of a CPU while it waited for a server: a loop that "
        "keeps checking. Block in Event.wait() instead: it uses no CPU until set()."
    )
    assert returned == [answer("waiting")], (
        f"submit('waiting') made before the server started returned {returned} once the "
        f"server ran, expected [{answer('waiting')!r}]"
    )
