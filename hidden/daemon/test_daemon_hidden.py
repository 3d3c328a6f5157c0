"""Hidden tests for the daemon exercise (start_heartbeat).

- "The program exits": a fresh Python process imports the student's module,
  starts a heartbeat with no stop event and lets its main thread end; it must
  exit within a generous deadline after saying so (it is killed in any case).
- Drift: a callback that takes 60 % of the interval; the mean period over
  several beats must stay near the interval (a drifting loop makes it 1.6 times
  longer; the limit is 1.3 times).
- Busy-waiting: the CPU time of the heartbeat thread itself between beats.
Every in-process heartbeat gets a stop event, set when the test ends, and is
started from a non-daemon thread: a new thread inherits its creator's daemon
flag, so a call from a deadline helper's daemon thread would hide a missing
daemon=True.
"""

import os
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import daemon
import pytest
from daemon import start_heartbeat

from grader.testing import thread_cpu_time, wait_until

DEADLINE = 5.0
BUSY_LIMIT = 0.02  # share of a CPU: a thread blocked in a wait uses about 0.0001


@pytest.fixture
def stops():
    """Stop events for the heartbeats of one test, all set at its end."""
    made = []

    def make():
        event = threading.Event()
        made.append(event)
        return event

    yield make
    for event in made:
        event.set()


def start(interval, callback, stop_event):
    """start_heartbeat called from a NON-daemon thread, as from a program's main
    thread (a new thread inherits its creator's daemon flag), with a deadline,
    and a readable failure for a daemon flag set after start()."""
    box = {}

    def call():
        try:
            box["thread"] = start_heartbeat(interval, callback, stop_event)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    caller = threading.Thread(target=call, name="caller", daemon=False)
    caller.start()
    caller.join(DEADLINE)
    if caller.is_alive():
        stop_event.set()  # lets a heartbeat loop run by the caller itself end
        pytest.fail(
            f"start_heartbeat({interval}, callback, stop_event) did not return within "
            f"{DEADLINE:g} s: it must start the heartbeat in a new thread and return that "
            "thread at once, not run the loop itself.", pytrace=False)
    exc = box.get("error")
    if isinstance(exc, RuntimeError) and "daemon" in str(exc):
        pytest.fail(
            f"start_heartbeat raised RuntimeError: {exc}. The daemon flag can only be set "
            "before start(): threading.Thread(target=..., daemon=True), then start().",
            pytrace=False)
    if exc is not None:
        raise exc
    t = box["thread"]
    assert isinstance(t, threading.Thread), (
        f"start_heartbeat returned {t!r}; it must return the threading.Thread it started")
    return t


def thread_cpu_ratio(thread, window=0.3):
    """Share of one CPU that a live ``thread`` used during ``window`` seconds."""
    cpu0, t0 = thread_cpu_time(thread), time.monotonic()
    time.sleep(window)  # a measuring window, not synchronisation
    used = thread_cpu_time(thread) - cpu0
    return used / max(time.monotonic() - t0, 1e-9)


def counter():
    """A callback that records the time of each of its calls, and that list."""
    calls = []

    def callback():
        calls.append(time.monotonic())

    return calls, callback


# --- the basics -----------------------------------------------------------------


@pytest.mark.lesson
def test_returns_a_started_daemon_thread(stops):
    calls, callback = counter()
    t = start(0.05, callback, stops())
    assert t.is_alive(), "start_heartbeat must start the thread before returning it"
    assert t.daemon, (
        "start_heartbeat, called from a non-daemon thread (like a program's main thread), "
        "started a thread that is not a daemon: the interpreter waits for every non-daemon "
        "thread before it exits, so a program with a heartbeat would never end. A new thread "
        "inherits the daemon flag of the thread that creates it, unless you say otherwise: "
        "threading.Thread(target=..., daemon=True)."
    )


def test_calls_callback_repeatedly(stops):
    calls, callback = counter()
    start(0.02, callback, stops())
    assert wait_until(lambda: len(calls) >= 5, DEADLINE), (
        f"with interval=0.02, callback() was called {len(calls)} time(s) in {DEADLINE:g} s, "
        "expected it again and again: loop until the stop event is set"
    )


def test_stops_when_the_event_is_set(stops):
    calls, callback = counter()
    stop = stops()
    t = start(0.02, callback, stop)
    assert wait_until(lambda: len(calls) >= 2, DEADLINE), "callback() was not called twice"
    stop.set()
    t.join(DEADLINE)
    assert not t.is_alive(), (
        f"the heartbeat thread was still running {DEADLINE:g} s after its stop event was set")


@pytest.mark.lesson
def test_stops_promptly_without_waiting_for_the_next_beat(stops):
    calls, callback = counter()
    stop = stops()
    t = start(30.0, callback, stop)  # next beat in 30 s
    stop.set()
    t.join(3.0)
    assert not t.is_alive(), (
        "with interval=30, the heartbeat was still running 3 s after its stop "
        "event was set: it is sleeping until the next beat. Wait with "
        "stop_event.wait(time_left), which returns as soon as the event is set, instead of "
        "time.sleep()."
    )
    assert len(calls) <= 1, f"callback() was called {len(calls)} times after a stop"


# --- daemon, the modern way -----------------------------------------------------


@pytest.mark.lesson
def test_daemon_set_before_start_without_set_daemon(stops):
    calls, callback = counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DeprecationWarning)
        t = start(0.05, callback, stops())
    deprecated = [str(w.message) for w in caught
                  if issubclass(w.category, DeprecationWarning) and "aemon" in str(w.message)]
    assert not deprecated, (
        f"start_heartbeat used a deprecated method: {deprecated[0]!r}. setDaemon()/isDaemon() "
        "are deprecated since Python 3.10: pass daemon=True to threading.Thread (or set "
        "t.daemon = True before t.start())."
    )
    assert t.daemon, "the heartbeat thread is not a daemon thread"


# --- the program can exit -------------------------------------------------------


PROGRAM = textwrap.dedent("""
    import sys
    import threading
    import traceback

    beats = threading.Event()
    count = 0

    def callback():
        global count
        count += 1
        if count >= 2:
            beats.set()

    try:
        import daemon

        daemon.start_heartbeat(0.01, callback)
        print("beating" if beats.wait(10) else "not beating", flush=True)
    except BaseException:
        traceback.print_exc(file=sys.stdout)
    finally:
        print("main thread done", flush=True)
""")


@pytest.mark.lesson
def test_program_exits_while_the_heartbeat_runs():
    folder = os.path.dirname(os.path.abspath(daemon.__file__))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([folder] + [p for p in [env.get("PYTHONPATH")] if p])
    proc = subprocess.Popen([sys.executable, "-c", PROGRAM], env=env, cwd=folder,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines = []
    main_done, eof = threading.Event(), threading.Event()

    def read():
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("main thread done"):
                main_done.set()
        eof.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        wait_until(lambda: main_done.is_set() or eof.is_set(), 15.0)
        output = "\n".join(lines[-20:])
        assert main_done.is_set(), (
            "a program that imports your module, starts a heartbeat and waits for two beats "
            "did not reach the end of its main thread"
            f"{' (it ended early)' if eof.is_set() else ' within 15 s'}. Its output:\n{output}"
        )
        assert "beating" in lines, (
            f"in that program (start_heartbeat(0.01, callback), no stop event), the heartbeat "
            f"did not beat twice. Its output:\n{output}")
        try:
            proc.wait(3.0)
        except subprocess.TimeoutExpired:
            pytest.fail(
                "a program that started a heartbeat (start_heartbeat(0.01, callback), no stop "
                "event) reached the end of its main thread, but did not exit within 3 s: the "
                "interpreter waits for every non-daemon thread before it exits, and a heartbeat "
                "never ends. Make it a daemon thread: threading.Thread(target=..., "
                "daemon=True).", pytrace=False)
        assert proc.returncode == 0, (
            f"that program exited with code {proc.returncode}; its output:\n{output}")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        reader.join(DEADLINE)


# --- a steady rhythm ------------------------------------------------------------


@pytest.mark.lesson
@pytest.mark.cpu_sensitive
def test_does_not_drift(stops):
    interval, work, beats = 0.06, 0.036, 9
    calls = []
    enough = threading.Event()

    def slow_callback():
        calls.append(time.monotonic())
        time.sleep(work)  # the callback's own work: 60 % of the interval
        if len(calls) >= beats:
            enough.set()

    stop = stops()
    t = start(interval, slow_callback, stop)
    assert enough.wait(DEADLINE), (
        f"callback() was called {len(calls)} times in {DEADLINE:g} s with interval={interval}")
    stop.set()
    t.join(DEADLINE)
    times = calls[:beats]
    mean = (times[-1] - times[0]) / (beats - 1)
    assert mean < interval * 1.3, (
        f"with interval={interval} s and a callback that takes {work} s, the beats came "
        f"every {mean:.3f} s on average, expected about {interval} s. The loop waits a full "
        "interval after each callback, so each period is the interval PLUS the callback's "
        "own time: the heartbeat drifts. Keep a timeline: next_beat += interval, and wait "
        "only for the time left, stop_event.wait(next_beat - time.monotonic())."
    )
    assert mean > interval * 0.7, (
        f"with interval={interval} s the beats came every {mean:.3f} s on average: too often")


@pytest.mark.lesson
@pytest.mark.cpu_sensitive
def test_does_not_busy_wait_between_beats(stops):
    calls, callback = counter()
    t = start(0.1, callback, stops())
    ratio = thread_cpu_ratio(t)
    assert t.is_alive(), "the heartbeat thread ended by itself"
    assert ratio < BUSY_LIMIT, (
        f"between beats the heartbeat thread used {ratio:.0%} of a CPU: it busy-waits (a "
        "loop that keeps checking the clock or the event). Block in stop_event.wait(time_left), "
        "which uses no CPU until the time is up or the event is set."
    )
