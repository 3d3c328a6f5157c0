"""Recording what the threads of a test did, for the timeline of a verdict.

The tracking primitives call :func:`record` as a thread starts, takes, waits
for and releases a lock, waits on or notifies a condition, puts into or gets
from a queue, joins a thread or starts a process; the race detector adds the
racing read and writes. Only what the student's code does is kept: an event
whose call comes from no student frame (the library's own locks, the tests'
scaffolding) is not recorded. The events of the running test go into a
bounded ring, and :func:`picture` turns its last moments into a
:class:`~grader.runner.protocol.Timeline` when a verdict needs one.

Names are the student's own (``src.lock``, ``forks[2]``), looked up in the
frames of the code that does it, once per object, line and name: a loop that
takes a lock a million times looks its name up once. ``GRADER_TIMELINE=0``
turns the recording off (for measuring what it costs).
"""

from __future__ import annotations

import _thread
import collections
import itertools
import os
import queue
import sys
import threading
import time
import types
from dataclasses import replace
from typing import Any

from grader.diagnostics import naming, state
from grader.runner.protocol import Diagnosis, Timeline, TimelineEvent

RING = 4000  # events kept per test (the oldest go first)
SHOWN = 40  # events a picture shows; the earlier ones are folded
LANES = 6  # threads a picture shows at most
_UP = 8  # frames searched above a primitive for the student's call

enabled = os.environ.get("GRADER_TIMELINE", "1") != "0"
# (time, thread, kind, name, ref, line, file, other), in the order recorded
_ring: collections.deque[tuple[float, str, str, str, int, int, str, str]] = \
    collections.deque(maxlen=RING)
_names: dict[tuple[types.CodeType, int, int], str] = {}  # (code, line, object id) -> name there
_refs: dict[int, int] = {}  # object id -> a small number telling same-named objects apart
_next_ref = itertools.count(1)
_get_ident = _thread.get_ident
_now = time.monotonic
_GRADER = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_THREADING = threading.__file__
_QUEUE = queue.__file__
# a Condition's methods, which act on the student's own lock
_CROSS = {"__enter__", "__exit__", "wait", "wait_for", "_release_save", "_acquire_restore",
          "_is_owned", "notify", "notify_all"}


_labels: dict[int, str] = {}  # thread ident -> its lane's name (unique in the test)


def _label(ident: int, name: str, thread: Any = None) -> str:
    """A lane name for the thread ``ident`` called ``name``: its name, numbered
    when another thread of the test has the same (``call of f #2``). A thread
    whose start was recorded has its lane already (keyed by the object)."""
    label = _labels.get(ident)
    if label is None and thread is not None:
        label = _labels.pop(-id(thread), None)
        if label is not None:
            _labels[ident] = label
    if label is None or not label.startswith(name):
        taken = set(_labels.values())
        label, k = name, 1
        while label in taken:
            k += 1
            label = f"{name} #{k}"
        _labels[ident] = label
    return label


def _student_frame(frame: types.FrameType | None) -> types.FrameType | None:
    """The student's frame that made this happen: up through the grader's own
    frames and a Condition's methods (``with cond:`` takes the student's lock),
    but not through other library code (``Thread.start`` waits on an Event of
    its own; a Pool starts its processes itself)."""
    for _ in range(_UP):
        if frame is None:
            return None
        code = frame.f_code
        way = _ways.get(code)
        if way is None:
            way = _ways[code] = _way(code)
        if way == _STUDENT:
            return frame
        if way == _STOP:
            return None
        frame = frame.f_back
    return None


_STUDENT, _UP_THROUGH, _STOP = 0, 1, 2
_ways: dict[types.CodeType, int] = {}  # code -> what its frame means to _student_frame


def _way(code: types.CodeType) -> int:
    if naming.is_student_file(code.co_filename, state.student_dir):
        return _STUDENT
    if code.co_filename.startswith(_GRADER) or (code.co_filename == _THREADING
                                                and code.co_name in _CROSS) \
            or (code.co_filename == _QUEUE and code.co_name in ("put_nowait", "get_nowait")):
        return _UP_THROUGH
    return _STOP


def name_in(frame: types.FrameType, obj: Any) -> str:
    """The student's name for ``obj`` as the code of ``frame`` sees it."""
    key = (frame.f_code, frame.f_lineno, id(obj))
    name = _names.get(key)
    if name is None:
        if len(_names) > 20000:
            _names.clear()
        try:
            name = naming.name_of(obj, [frame], state.student_dir) or type(obj).__name__
        except Exception:  # noqa: BLE001 - a student's object that breaks on a look:
            name = type(obj).__name__  # the event is recorded, the student's code goes on
        _names[key] = name
    return name


def ref(obj: Any) -> int:
    """A small number for ``obj``, the same every time it is recorded."""
    number = _refs.get(id(obj))
    if number is None:
        number = _refs[id(obj)] = next(_next_ref)
    return number


def record(kind: str, obj: Any = None, *, name: str | None = None, thread: Any = None,
           other: str = "", skip: int = 2) -> None:
    """Record an event of the calling thread (or of ``thread``, a Thread or a
    Process) if the student's code is what does it (searched from ``skip``
    frames up)."""
    if not enabled or state.student_dir is None:
        return
    frame: types.FrameType | None = sys._getframe(skip)
    for _ in range(_UP):  # (_student_frame, inlined: this runs on every lock operation)
        if frame is None:
            return
        way = _ways.get(frame.f_code)
        if way is None:
            way = _ways[frame.f_code] = _way(frame.f_code)
        if way == _STUDENT:
            break
        if way == _STOP:
            return
        frame = frame.f_back
    else:
        return
    if name is None:
        if obj is None:
            name = ""
        else:
            name = _names.get((frame.f_code, frame.f_lineno, id(obj))) or name_in(frame, obj)
    if thread is None:
        ident = _get_ident()
        lane = _labels.get(ident) or holder_name_of(ident)
    else:  # a thread not started yet has no ident: its lane is keyed by the object
        lane = _label(getattr(thread, "ident", None) or -id(thread), thread.name)
    _ring.append((_now(), lane, kind, name,
                  0 if obj is None else (_refs.get(id(obj)) or ref(obj)), frame.f_lineno,
                  frame.f_code.co_filename, other))


def record_at(when: float, thread: str, kind: str, name: str, line: int, filename: str,
              other: str = "") -> None:
    """Record an event seen elsewhere (the race detector's read and writes)."""
    if enabled:
        _ring.append((when, thread, kind, name, 0, line, filename, other))


def ended(thread: threading.Thread) -> None:
    """A thread ends: recorded if it did anything worth showing."""
    lane = _labels.pop(thread.ident or 0, None) or _labels.pop(-id(thread), None)
    if enabled and lane is not None and any(e[1] == lane for e in list(_ring)):
        _ring.append((time.monotonic(), lane, "end", "", 0, 0, "", ""))
    # (a new thread that gets this ident gets its own lane)


def started(thread: threading.Thread) -> None:
    """A thread started: its lane, keyed by the object until now, is keyed by
    its ident from now on."""
    lane = _labels.pop(-id(thread), None)
    if lane is not None and thread.ident is not None:
        _labels[thread.ident] = lane


def reset() -> None:
    """A new test: forget the events of the last one."""
    _ring.clear()
    _labels.clear()
    _refs.clear()


def holder_name(lock: Any) -> str:
    """The lane name of the thread holding ``lock`` now ("" if none)."""
    owner = getattr(lock, "_owner", None)
    return "" if owner is None else holder_name_of(owner)


def lane_of(thread: Any) -> str:
    """The lane name of a Thread or a Process."""
    ident = getattr(thread, "ident", None)
    if isinstance(thread, threading.Thread) and ident is not None:
        return holder_name_of(ident)
    return _labels.get(-id(thread), getattr(thread, "name", "?"))


def holder_name_of(ident: int) -> str:
    """The lane name of the thread ``ident``."""
    thread = threading._active.get(ident)  # type: ignore[attr-defined]
    return _label(ident, thread.name if thread is not None else f"thread {ident}", thread)


def picture(focus: tuple[str, ...] = ()) -> Timeline | None:
    """The last moments of the running test, up to now, as a Timeline (None if
    nothing was recorded). Threads named in ``focus`` keep their lanes first."""
    events = sorted(list(_ring), key=lambda e: e[0])  # (list(): one step, under the GIL)
    if not events:
        return None
    end = time.monotonic()
    lanes: list[str] = [n for n in dict.fromkeys(focus) if any(e[1] == n for e in events)]
    counts = collections.Counter(e[1] for e in events[-SHOWN:])
    main = [n for n in counts if n == "MainThread" and n not in lanes]
    others = sorted((n for n in counts if n not in lanes and n not in main),
                    key=lambda n: -counts[n])
    lanes = (main + lanes + others)[:LANES] if main else (lanes + others)[:LANES]
    more = len(set(e[1] for e in events) - set(lanes))
    kept = [e for e in events if e[1] in lanes]
    shown, earlier = kept[-SHOWN:], kept[:-SHOWN]
    held: dict[tuple[str, int], str] = {}
    for _when, thread, kind, name, number, *_ in earlier:
        if kind == "take":
            held[(thread, number)] = name
        elif kind == "release":
            held.pop((thread, number), None)
    start = shown[0][0]
    order = sorted(lanes, key=lambda n: (n != "MainThread", next(
        (i for i, e in enumerate(shown) if e[1] == n), len(shown))))
    return Timeline(
        lanes=tuple(order),
        events=tuple(TimelineEvent(round(when - start, 6), thread, kind, name, number, line,
                                   os.path.basename(filename), other)
                     for when, thread, kind, name, number, line, filename, other in shown),
        folded=len(earlier),
        holding=tuple((thread, name, number) for (thread, number), name in held.items()),
        end=round(end - start, 6), more_lanes=more)


def redrawn(diagnosis: Diagnosis) -> Diagnosis:
    """``diagnosis`` with its timeline drawn up to now (a crash found earlier,
    now that something waits for the dead thread)."""
    drawn = picture(focus=tuple(t.name for t in diagnosis.threads))
    return diagnosis if drawn is None else replace(diagnosis, timeline=drawn)


def _forked() -> None:
    reset()  # a forked worker's timeline is its own


os.register_at_fork(after_in_child=_forked)
