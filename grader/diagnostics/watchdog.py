"""The watchdog: a thread of the grader's, sampling every 50 ms.

- Deadlock: a cycle of threads, each in an untimed wait for a lock owned by
  the next one (or joining it), seen in two samples in a row.
- Stall: every thread of the running test (and the main thread) in an untimed
  wait, the very same waits for a whole confirmation window, while no other
  thread of the process used the CPU: nothing can wake any of them (a lost
  wake-up, a missing sentinel, a join on a blocked thread, a Barrier short of
  parties, a nested executor ``.result()``). Only on that proof: timed waits,
  sleeps, running code and I/O are never stuck (``threading.Timer`` and
  polling are safe), a thread that is starting another one is waiting for
  something that will come, and the window (``STALL_AFTER``) stretches with
  how late the watchdog itself gets the CPU (a busy machine).

A diagnosis goes to the listener (the plugin, which fails the running test);
in a process with no listener (a multiprocessing worker) it is written to
``RUN_DIR/diagnoses/PID.jsonl`` for the main process to show.
"""

from __future__ import annotations

import _thread
import contextlib
import json
import os
import time
from collections.abc import Callable
from typing import Any

from grader.diagnostics import aio, explain, naming, state, timeline
from grader.runner.protocol import Diagnosis, ProtocolError, Status
from grader.runner.stacks import current_frames

POLL = 0.05
STALL_AFTER = 0.5  # seconds the same waits must hold, on an idle machine
LAG_FACTOR = 10  # ... plus this many times how late the watchdog wakes up (a busy machine)
CPU_QUIET = 0.05  # CPU seconds other threads may use in the window of a stall (none, really)
DEADLOCK_ADVICE = ("Each thread waits for a lock that another thread of the cycle holds, so "
                   "none can ever go on. Take locks in one global order everywhere (for "
                   "example by account id), or hold only one at a time.")
STALL_ADVICE = ("No thread can make progress: each waits for something only another "
                "waiting thread could do. Look for a notify that happens before the wait "
                "(a lost wake-up), a missing sentinel, or a join on a thread that never ends.")

listener: Callable[[Diagnosis], None] | None = None
_ident: int | None = None  # the watchdog thread's, set by the thread itself
_generation = 0  # which watchdog may run: an older one (the parent's, copied by fork) stops
_last_cycle: frozenset[tuple[int, int]] | None = None
_stall: tuple[frozenset[tuple[int, int]], float, float] | None = None  # (waits, since, CPU)
_lag = 0.0  # how late the watchdog wakes up, smoothed: the machine's business


def start() -> None:
    """Start the watchdog (a raw thread: invisible to ``threading.enumerate``)."""
    _spawn()
    os.register_at_fork(after_in_child=_restart_after_fork)


def _restart_after_fork() -> None:
    global listener, _last_cycle, _crashes_seen, _held_crash
    listener, _last_cycle, _crashes_seen, _held_crash = None, None, len(state.crashes), None
    _spawn()


def _spawn() -> None:
    """A new watchdog thread. Its generation is passed in, not read back from
    what ``start_new_thread`` returns: on a busy machine the new thread can run
    before the caller has stored that, and it must not take itself for a stale one."""
    global _generation
    _generation += 1
    _thread.start_new_thread(_loop, (_generation,))


def _loop(generation: int) -> None:
    global _ident, _lag
    _ident = _thread.get_ident()
    while _generation == generation:
        before = time.monotonic()
        time.sleep(POLL)
        late = max(0.0, time.monotonic() - before - POLL)
        _lag = max(late, 0.8 * _lag + 0.2 * late)  # rises at once, falls slowly
        try:
            check()
        except Exception:  # noqa: BLE001 - the watchdog must never die
            pass


def _relevant(alive: set[int]) -> set[int]:
    """Threads of the running test, plus the main thread."""
    main = _main_ident()
    return {i for i in alive if i not in state.reported and i != _ident
            and (i == main or state.born_in.get(i) == state.current_test)}


def _main_ident() -> int | None:
    import threading

    return threading.main_thread().ident


def _blocked(wait: state.Wait | None) -> bool:
    if wait is None:
        return False
    if wait.kind == "process":
        return not wait.timed and process_stuck(wait)
    if wait.kind == "join" and not wait.target.is_alive():
        return False  # the thread has just ended: the join is returning
    if wait.kind == "condition" and wait.waiter is not None and not wait.waiter.locked():
        return False  # notified: it goes on as soon as it gets the CPU (a busy machine)
    return not wait.timed or wait.kind == "harness"


_process_checks: dict[int, tuple[float, bool]] = {}  # wait serial -> (when, stuck)


def process_stuck(wait: state.Wait) -> bool:
    """Whether the process a thread is joining can never exit: its Queue feeder
    thread is blocked writing items into a pipe nobody reads. Checked from the
    process's own stack dump, at most once a second per wait."""
    now = time.monotonic()
    if now - wait.since < STALL_AFTER:
        return False
    checked = _process_checks.get(wait.serial)
    if checked is not None and now - checked[0] < 1.0:
        return checked[1]
    run_dir, pid = os.environ.get("GRADER_RUN_DIR"), getattr(wait.target, "pid", None)
    stuck = False
    if run_dir and pid:
        from grader.runner import stacks

        text = stacks.request_dumps({pid}, run_dir, wait=0.3, trim=False)
        stuck = "queues.py" in text and "_feed" in text and "_send" in text
    _process_checks[wait.serial] = (now, stuck)
    return stuck


def _wait_of(ident: int, waits: dict[int, state.Wait]) -> state.Wait | None:
    harness = state.harness.get(ident)
    return harness if harness is not None else waits.get(ident)


def find_cycle(edges: dict[int, int]) -> list[int] | None:
    """A cycle in a graph where each node has at most one out-edge."""
    for start in edges:
        path, node = [], start
        while node in edges and node not in path:
            path.append(node)
            node = edges[node]
        if node in path:
            return path[path.index(node):]
    return None


_worker_offsets: dict[str, int] = {}


_crashes_seen = 0


def _new_crash() -> Diagnosis | None:
    """A thread of the running test that died with an exception since the last look."""
    global _crashes_seen
    fresh, _crashes_seen = state.crashes[_crashes_seen:], len(state.crashes)
    return next((d for test, d in fresh if test == state.current_test), None)


_held_crash: tuple[Diagnosis, str, float] | None = None  # (crash, its test, seen at)


def _crash_to_report() -> Diagnosis | None:
    """A thread's crash in the running test, once another thread of the test
    waits (for the dead thread's work, as a rule: the verdict shows that wait)
    or a stall window has passed with none waiting; never at the instant of the
    death, when whether the main thread has begun its wait yet is luck."""
    global _held_crash
    fresh = _new_crash()
    if fresh is not None and _held_crash is None:
        _held_crash = (fresh, state.current_test, time.monotonic())
    if _held_crash is None:
        return None
    crash, test, since = _held_crash
    if test != state.current_test:
        _held_crash = None  # the test ended first (the findings keep it)
        return None
    if not (_someone_waits() or time.monotonic() - since > STALL_AFTER + LAG_FACTOR * _lag):
        return None
    _held_crash = None
    return crash


def _someone_waits() -> bool:
    """Whether a thread of the running test (or the test itself) is blocked."""
    if state.harness:
        return True
    threads = _relevant(set(state.waits))
    return any(_blocked(state.waits.get(i)) for i in threads if i not in state.starting)


def skip_old_news() -> None:
    """What other processes wrote before now is not this process's news (an
    earlier attempt's child wrote it)."""
    run_dir = os.environ.get("GRADER_RUN_DIR")
    folder = os.path.join(run_dir, "diagnoses") if run_dir else ""
    if folder and os.path.isdir(folder):
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            _worker_offsets[path] = os.path.getsize(path)


def _worker_news() -> Diagnosis | None:
    """A diagnosis another process of the run wrote since the last look."""
    run_dir = os.environ.get("GRADER_RUN_DIR")
    folder = os.path.join(run_dir, "diagnoses") if run_dir else ""
    if not folder or not os.path.isdir(folder):
        return None
    found = None
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        with open(path, "rb") as f:
            f.seek(_worker_offsets.get(path, 0))
            data = f.read()
        complete = data[:data.rfind(b"\n") + 1]  # a line still being written: next time
        _worker_offsets[path] = _worker_offsets.get(path, 0) + len(complete)
        for line in complete.decode(errors="replace").splitlines():
            if found is None and line.strip():
                try:
                    found = Diagnosis.from_dict(json.loads(line))
                except (ValueError, ProtocolError):
                    continue
    return found


def check() -> None:
    """One sample: report a deadlock or a stall if there is one."""
    global _last_cycle, _stall
    if listener is not None:
        news = _worker_news()
        if not state.current_test:
            return
        if news is not None:
            listener(news if news.kind is Status.CRASH else
                     news.with_summary("In a child process: " + news.summary))
            return
        crash = _crash_to_report()
        if crash is not None:
            listener(timeline.redrawn(crash))  # with what waits for the dead thread
            return
        loop = _endless_loop()
        if loop is not None:
            listener(loop)
            return
    frames = current_frames()
    waits = dict(state.waits)
    relevant = _relevant(set(frames))
    edges: dict[int, int] = {}
    for ident in relevant:
        wait = waits.get(ident)
        if wait is None or wait.timed:
            continue
        if wait.kind == "lock" and wait.target._owner is not None:
            edges[ident] = wait.target._owner
        elif wait.kind == "join" and wait.target.ident is not None \
                and wait.target.is_alive():
            edges[ident] = wait.target.ident
    cycle = find_cycle(edges)
    if cycle:
        key = frozenset((i, waits[i].serial) for i in cycle)
        if key == _last_cycle:
            _report(Status.DEADLOCK, cycle, frames, waits)
            _last_cycle = None
            return
        _last_cycle = key
    else:
        _last_cycle = None
    now = time.monotonic()
    chosen = {i: _wait_of(i, waits) for i in relevant}
    if relevant and not state.starting and all(_blocked(w) for w in chosen.values()) \
            and any(w.kind != "harness" for w in chosen.values()):  # type: ignore[union-attr]
        key = frozenset((i, w.serial) for i, w in chosen.items())  # type: ignore[union-attr]
        if _stall is None or _stall[0] != key:
            _stall = (key, now, _others_cpu())  # a candidate: it must hold for the window
        elif now - _stall[1] >= STALL_AFTER + LAG_FACTOR * _lag:
            if _others_cpu() - _stall[2] < CPU_QUIET:
                _report(Status.STALL, sorted(relevant), frames, waits)
                _stall = None
            else:  # something of this process ran meanwhile: look again, a window more
                _stall = (key, now, _others_cpu())
    else:
        _stall = None


LOOP_CPU = 2.0  # CPU seconds a call the test waits for may spin in the student's code
LOOP_CPU_AGAIN = 0.5  # ... in a loop an earlier test of the run found endless already
_loop_start: dict[int, float] = {}  # harness wait serial -> the called thread's CPU then
_known_loops: set[str] | None = None  # "file:function" of the endless loops found in this run


def _loops_file() -> str | None:
    run_dir = os.environ.get("GRADER_RUN_DIR")
    return os.path.join(run_dir, "endless-loops.txt") if run_dir else None


def _known() -> set[str]:
    """The endless loops earlier tests found, in this child or an earlier one
    (after a hang the rest of the tests run in a fresh child)."""
    global _known_loops
    if _known_loops is None:
        path, _known_loops = _loops_file(), set()
        try:
            with open(path or "", encoding="utf-8") as f:
                _known_loops.update(line.strip() for line in f if line.strip())
        except OSError:
            pass
    return _known_loops


def _remember(key: str) -> None:
    _known().add(key)
    path = _loops_file()
    if path:
        with contextlib.suppress(OSError), open(path, "a", encoding="utf-8") as f:
            f.write(key + "\n")


def _endless_loop() -> Diagnosis | None:
    """A call of the student's code that the test waits for, and that has run
    ``LOOP_CPU`` seconds of CPU in the student's own code without returning: an
    endless loop (or a wait that spins). Found by its CPU, not by the clock, so
    a busy machine changes nothing; reported long before the test's deadline.
    A loop an earlier test found is known again after ``LOOP_CPU_AGAIN``: the
    later tests that call the same function are not each waited out."""
    from grader.runner.stacks import thread_cpu

    for wait in list(state.harness.values()):
        thread = wait.waiter
        if thread is None or thread.ident is None or not thread.is_alive():
            continue
        cpu = thread_cpu(thread.ident)
        spent = cpu - _loop_start.setdefault(wait.serial, cpu)
        if spent < LOOP_CPU_AGAIN:
            continue
        frame = current_frames().get(thread.ident)
        inner = naming.user_frames(frame)
        if not inner or not naming.is_student_file(inner[0].f_code.co_filename,
                                                    state.student_dir):
            continue  # spinning in the test's own code (its work function), not the student's
        key = f"{os.path.basename(inner[0].f_code.co_filename)}:{inner[0].f_code.co_name}"
        again = key in _known()
        if spent < LOOP_CPU and not again:
            continue
        _loop_start[wait.serial] = float("inf")  # said once
        _remember(key)
        namer = explain.Namer(current_frames(), state.student_dir)
        entry = explain.thread_entry(thread.ident, namer, None)
        where = entry.frames[-1] if entry.frames else None
        at = (f" at line {where.line} of {where.file} (in {where.function})" if where else "")
        what = (f"is in the endless loop an earlier test found{at}, and ran {spent:.1f} s of "
                "CPU there without returning" if again else
                f"has run {LOOP_CPU:g} s of CPU in your code without returning{at}")
        return Diagnosis(Status.TIMEOUT, (
            f"{thread.name} {what}: an endless loop, or a wait that keeps checking instead "
            "of blocking."),
            (entry,), advice=("Make the loop end: check its condition. To wait for "
                              "something, block (a Condition, an Event, a Queue's get()) "
                              "instead of checking again and again."))
    return None


def _others_cpu() -> float:
    """CPU seconds used by this process's threads other than the watchdog."""
    return time.process_time() - time.thread_time()


def _report(kind: Status, idents: list[int], frames: dict[int, Any],
            waits: dict[int, state.Wait]) -> None:
    namer = explain.Namer(frames, state.student_dir)
    threads = [explain.thread_entry(i, namer, _wait_of(i, waits)) for i in idents]
    threads = [t for t in threads if t.waits]
    loop = next((i for i in idents if aio.is_loop_thread(i)), None)
    if loop is not None:  # a coroutine waits in a thread's lock: the event loop stands still
        diagnosis = aio.blocked_in_wait(
            loop, explain.thread_entry(loop, namer, _wait_of(loop, waits)))
    else:
        if kind is Status.DEADLOCK:
            names = " -> ".join([namer.thread(i) for i in idents] + [namer.thread(idents[0])])
            summary = (f"{len(idents)} thread(s) wait for each other in a cycle: {names}."
                       if len(idents) > 1 else
                       f"{namer.thread(idents[0])} waits for a lock it already holds.")
            advice = DEADLOCK_ADVICE if len(idents) > 1 else (
                "A Lock cannot be taken twice by the same thread; use an RLock where a method "
                "that holds the lock calls another that takes it.")
        else:
            summary = f"All {len(threads)} thread(s) have waited for over {STALL_AFTER:g} s."
            advice = STALL_ADVICE
        diagnosis = Diagnosis(kind, summary, tuple(threads), advice,
                              timeline=timeline.picture(focus=tuple(t.name for t in threads)))
    # Stuck threads stay stuck: never report them again. The main thread is
    # interrupted by the diagnosis and goes on to the next test.
    state.reported.update(set(idents) - {_main_ident()})
    if listener is not None:
        listener(diagnosis)
    else:
        _write(diagnosis)


def _write(diagnosis: Diagnosis) -> None:
    run_dir = os.environ.get("GRADER_RUN_DIR")
    if not run_dir:
        return
    folder = os.path.join(run_dir, "diagnoses")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"{os.getpid()}.jsonl"), "a") as f:
        f.write(json.dumps(diagnosis.to_dict()) + "\n")
