"""The watchdog: a thread of the grader's, sampling every 50 ms.

- Deadlock: a cycle of threads, each in an untimed wait for a lock owned by
  the next one (or joining it), seen in two samples in a row.
- Stall: every thread of the running test (and the main thread) in an untimed
  wait for at least ``STALL_AFTER`` seconds: nothing can wake any of them (a
  lost wake-up, a missing sentinel, a join on a blocked thread, a Barrier short
  of parties, a nested executor ``.result()``). Timed waits, sleeps, running
  code and I/O are never stuck, so ``threading.Timer`` and polling are safe.

A diagnosis goes to the listener (the plugin, which fails the running test);
in a process with no listener (a multiprocessing worker) it is written to
``RUN_DIR/diagnoses/PID.jsonl`` for the main process to show.
"""

from __future__ import annotations

import _thread
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from grader.diagnostics import explain, state
from grader.runner.protocol import Diagnosis, ProtocolError, Status

POLL = 0.05
STALL_AFTER = 0.5
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
_last_stall: frozenset[tuple[int, int]] | None = None


def start() -> None:
    """Start the watchdog (a raw thread: invisible to ``threading.enumerate``)."""
    _spawn()
    os.register_at_fork(after_in_child=_restart_after_fork)


def _restart_after_fork() -> None:
    global listener, _last_cycle
    listener, _last_cycle = None, None
    _spawn()


def _spawn() -> None:
    """A new watchdog thread. Its generation is passed in, not read back from
    what ``start_new_thread`` returns: on a busy machine the new thread can run
    before the caller has stored that, and it must not take itself for a stale one."""
    global _generation
    _generation += 1
    _thread.start_new_thread(_loop, (_generation,))


def _loop(generation: int) -> None:
    global _ident
    _ident = _thread.get_ident()
    while _generation == generation:
        time.sleep(POLL)
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


def _worker_news() -> Diagnosis | None:
    """A diagnosis another process of the run wrote since the last look."""
    run_dir = os.environ.get("GRADER_RUN_DIR")
    folder = os.path.join(run_dir, "diagnoses") if run_dir else ""
    if not folder or not os.path.isdir(folder):
        return None
    found = None
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        with open(path) as f:
            f.seek(_worker_offsets.get(path, 0))
            data = f.read()
        _worker_offsets[path] = _worker_offsets.get(path, 0) + len(data)
        for line in data.splitlines():
            if found is None and line.strip():
                try:
                    found = Diagnosis.from_dict(json.loads(line))
                except (ValueError, ProtocolError):
                    continue
    return found


def check() -> None:
    """One sample: report a deadlock or a stall if there is one."""
    global _last_cycle, _last_stall
    if listener is not None:
        news = _worker_news()
        if not state.current_test:
            return
        if news is not None:
            listener(news.with_summary("In a child process: " + news.summary))
            return
    frames = sys._current_frames()
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
    if relevant and all(_blocked(w) and now - w.since >= STALL_AFTER  # type: ignore[union-attr]
                        for w in chosen.values()) \
            and any(w.kind != "harness" for w in chosen.values()):  # type: ignore[union-attr]
        # Seen twice with the very same waits: not a thread caught ending.
        key = frozenset((i, w.serial) for i, w in chosen.items())  # type: ignore[union-attr]
        if key == _last_stall:
            _report(Status.STALL, sorted(relevant), frames, waits)
            _last_stall = None
        else:
            _last_stall = key
    else:
        _last_stall = None


def _report(kind: Status, idents: list[int], frames: dict[int, Any],
            waits: dict[int, state.Wait]) -> None:
    namer = explain.Namer(frames, state.student_dir)
    threads = [explain.thread_entry(i, namer, _wait_of(i, waits)) for i in idents]
    threads = [t for t in threads if t.waits]
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
    diagnosis = Diagnosis(kind, summary, tuple(threads), advice)
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
