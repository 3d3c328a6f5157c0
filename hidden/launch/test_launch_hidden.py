"""Hidden tests for the launch exercise (run_concurrently).

"All at once" is shown by event order, not by speed: every call waits until all
calls have started. A call that waits in vain gives up after GIVE_UP seconds and
releases the others, so a serial solution fails fast instead of hanging.
Completion order is forced the same way: call i waits until call i+1 has
finished, so the calls finish last-to-first.
"""

import threading

import pytest
from launch import run_concurrently

from grader.testing import DeadlineExceeded, call_with_deadline

DEADLINE = 10.0
GIVE_UP = 2.0  # seconds a call waits for the others before it reports it was alone


def run(func, arg_tuples, deadline=DEADLINE, **kwargs):
    return call_with_deadline(run_concurrently, func, arg_tuples, deadline=deadline,
                              what=f"run_concurrently(func, {arg_tuples!r})", **kwargs)


# --- results --------------------------------------------------------------------


def test_results_in_input_order():
    got = run(lambda x: x * x, [(i,) for i in range(8)])
    assert got == [i * i for i in range(8)], (
        f"run_concurrently(square, [(0,), ..., (7,)]) returned {got!r}, expected "
        f"{[i * i for i in range(8)]!r}: one result per tuple, in the order of the tuples"
    )


def test_several_and_no_arguments():
    assert run(pow, [(2, 3), (3, 2), (10, 0)]) == [8, 9, 1], (
        "each tuple holds the arguments of one call: func(*args)")
    assert run(lambda: "hi", [(), ()]) == ["hi", "hi"], (
        "an empty tuple means a call with no arguments")


def test_no_calls():
    got = run(lambda x: x, [])
    assert got == [], f"run_concurrently(func, []) returned {got!r}, expected []"


# --- each call in its own thread ---------------------------------------------


@pytest.mark.lesson
def test_each_call_runs_in_another_thread():
    ran_in = []
    lock = threading.Lock()

    def func(i):
        with lock:
            ran_in.append(threading.current_thread())
        return i

    def caller():
        return threading.current_thread(), run_concurrently(func, [(i,) for i in range(4)])

    me, got = call_with_deadline(caller, deadline=DEADLINE, what="run_concurrently(func, 4 calls)")
    assert got == [0, 1, 2, 3], f"returned {got!r}, expected [0, 1, 2, 3]"
    assert len(ran_in) == 4, f"func was called {len(ran_in)} times for 4 tuples"
    in_caller = sum(th is me for th in ran_in)
    assert in_caller == 0, (
        f"{in_caller} of the 4 calls ran in the thread that called run_concurrently, not in "
        "a thread of their own. Thread(target=func(*args)) calls func at once, right there, "
        "and gives its result to the Thread as `target`. Pass the function and its "
        "arguments separately: Thread(target=func, args=args)."
    )


@pytest.mark.lesson
def test_calls_run_all_at_once():
    n = 4
    lock = threading.Lock()
    started = []
    everyone = threading.Event()

    def func(i):
        with lock:
            started.append(i)
            if len(started) == n:
                everyone.set()
        if not everyone.wait(GIVE_UP):
            with lock:
                seen = list(started)
            everyone.set()  # do not keep the next calls waiting as well
            return ("alone", i, seen)
        return i

    got = run(func, [(i,) for i in range(n)])
    lonely = [r for r in got if isinstance(r, tuple)]
    assert not lonely, (
        f"the {n} calls did not run at the same time: call {lonely[0][1]} waited "
        f"{GIVE_UP:g} s for all {n} calls to start, but only call(s) {lonely[0][2]} had "
        "started. Start every thread first and join them afterwards: starting a thread "
        "and joining it in the same loop runs the calls one after another (and so does "
        "Thread(target=func(*args)))."
    )
    assert sorted(got) == list(range(n)), f"returned {got!r}, expected {list(range(n))!r}"


@pytest.mark.lesson
def test_results_in_input_order_when_later_calls_finish_first():
    n = 4
    cond = threading.Condition()
    finished = set()
    gave_up = []

    def func(i):
        # call i returns only after call i + 1 has returned: they finish n-1, ..., 1, 0
        with cond:
            ok = cond.wait_for(lambda: i + 1 == n or i + 1 in finished or gave_up, GIVE_UP)
            if not ok:
                gave_up.append(i)
            finished.add(i)
            cond.notify_all()
        return f"result {i}"

    got = run(func, [(i,) for i in range(n)])
    assert not gave_up, (
        f"call {gave_up[0]} waited {GIVE_UP:g} s for call {gave_up[0] + 1}, which never "
        "ran at the same time: start all the threads before joining any"
    )
    expected = [f"result {i}" for i in range(n)]
    assert got == expected, (
        f"the calls finished in the order {n - 1}, ..., 1, 0, and run_concurrently returned "
        f"{got!r}; expected {expected!r}, the results in the order of arg_tuples. Appending "
        "each result to a shared list when its call finishes gives the completion order; "
        "give every call its own slot instead (results[i] = func(*args))."
    )


# --- exceptions -----------------------------------------------------------------


@pytest.mark.lesson
def test_exception_is_reraised():
    def func(i):
        if i == 2:
            raise ValueError("call 2 failed")
        return i

    try:
        got = run(func, [(i,) for i in range(4)])
    except ValueError as exc:
        assert "call 2 failed" in str(exc), f"re-raised ValueError({exc}), expected 'call 2 failed'"
        return
    pytest.fail(
        f"call 2 raised ValueError('call 2 failed'), but run_concurrently returned {got!r}. "
        "An exception raised in a thread does not reach the thread that started it: it is "
        "printed and lost. Catch it inside the thread's function, keep it, and raise it "
        "from run_concurrently once the threads are joined.", pytrace=False)


@pytest.mark.lesson
def test_exception_of_any_type_is_reraised():
    class Custom(Exception):
        pass

    def func(i):
        if i == 1:
            raise Custom("custom failure")
        return i

    with pytest.raises(Custom):
        run(func, [(0,), (1,)])


@pytest.mark.lesson
def test_one_of_several_exceptions_is_reraised():
    def func(i):
        if i % 2:
            raise KeyError(i)
        return i

    with pytest.raises(KeyError) as info:
        run(func, [(i,) for i in range(6)])
    assert info.value.args[0] in (1, 3, 5)


# --- timeout --------------------------------------------------------------------


def run_slow_calls(n, timeout, deadline):
    """run_concurrently with ``n`` calls that wait until the test releases them;
    returns what it returned (or raises what it raised). A call made in the
    calling thread itself returns at once (it would block the caller)."""
    release = threading.Event()
    caller = []

    def slow(i):
        if threading.current_thread() in caller:
            return "ran in the caller"
        release.wait(DEADLINE)
        return i

    def call():
        caller.append(threading.current_thread())
        return run_concurrently(slow, [(i,) for i in range(n)], timeout=timeout)

    try:
        got = call_with_deadline(call, deadline=deadline,
                                 what=f"run_concurrently(slow, {n} calls, timeout={timeout})")
    except DeadlineExceeded:
        pytest.fail(
            f"run_concurrently(slow, {n} calls, timeout={timeout}) neither returned nor raised "
            f"TimeoutError within {deadline:g} s, although its calls never finish. The timeout "
            "is for all calls together: compute the deadline once (time.monotonic() + "
            "timeout), join each thread with the time that is left, and raise TimeoutError "
            "as soon as a thread is still alive after its join.", pytrace=False)
    finally:
        release.set()
    if "ran in the caller" in got:
        pytest.fail(
            "the calls ran in the thread that called run_concurrently, so the timeout could "
            "not work: Thread(target=func(*args)) calls func right there. Pass the function "
            "and its arguments separately: Thread(target=func, args=args).", pytrace=False)
    return got


def test_timeout_raises_timeout_error():
    try:
        got = run_slow_calls(3, timeout=0.1, deadline=3.0)
    except TimeoutError:
        return
    pytest.fail(f"the calls were still running after timeout=0.1 s, but run_concurrently "
                f"returned {got!r} instead of raising TimeoutError. Join with the time that "
                "is left, then check is_alive(): join(timeout) never raises by itself.",
                pytrace=False)


def test_no_timeout_error_when_calls_are_quick():
    got = run(lambda x: x + 1, [(1,), (2,)], timeout=DEADLINE)
    assert got == [2, 3], f"returned {got!r} with a generous timeout, expected [2, 3]"


@pytest.mark.lesson
def test_timeout_is_for_all_calls_together():
    # 6 joins of 1 s each would take 6 s: the timeout counts for all calls together
    try:
        run_slow_calls(6, timeout=1.0, deadline=5.0)
    except TimeoutError:
        return
    pytest.fail("run_concurrently(..., timeout=0.1) returned though its calls were still "
                "running", pytrace=False)
