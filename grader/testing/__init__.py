"""Helpers for exercise authors: everything a hidden or public test needs to
exercise concurrent code without relying on timing luck.

- :mod:`deadline`: call student code with a generous deadline, in daemon threads,
  so a hang fails one test with a readable message instead of wedging the run.
- :mod:`observe`: peak-concurrency counters, per-thread CPU time (busy-wait
  detection) and "is this thread blocked?" checks.
- :mod:`switches`: seeded thread switches between bytecodes of the student's
  frames, which makes lost updates show on CPython 3.11.
- :mod:`locks`: lock-order recording (a lock-order inversion is a deadlock
  waiting to happen, found even on runs that did not hang).
- :mod:`wakeups`: conditions that wake up spuriously, to catch ``if`` around ``wait``,
  and conditions that threads reach late, to catch a ``notify`` without a flag.
- :mod:`starts`: recording the processes and threads student code starts (and
  ending the processes it left running).
- :mod:`threads`: stopping a thread that loops forever (the grader does it after
  each test for threads still spinning in the student's code).
"""

from grader.testing.deadline import (
    DeadlineExceeded,
    StartedCall,
    call_with_deadline,
    is_test_call,
    run_in_threads,
    start_call,
)
from grader.testing.locks import LockOrderTracker
from grader.testing.observe import (
    PeakCounter,
    busy_cpu_ratio,
    thread_cpu_time,
    wait_until,
    wait_until_blocked,
    with_cpu_share,
)
from grader.testing.starts import (
    ThreadStarts,
    processes_ended,
    record_processes,
    record_thread_starts,
)
from grader.testing.switches import (
    RaceFound,
    base_seed,
    current_seed,
    inject_switches,
)
from grader.testing.threads import StoppedByTheTest, stop_spinning, stop_thread
from grader.testing.wakeups import (
    SpuriousCondition,
    patch_condition,
    patch_late_condition,
    start_through_spurious_wakeups,
)

__all__ = [
    "DeadlineExceeded",
    "LockOrderTracker",
    "PeakCounter",
    "RaceFound",
    "SpuriousCondition",
    "StartedCall",
    "StoppedByTheTest",
    "ThreadStarts",
    "busy_cpu_ratio",
    "base_seed",
    "call_with_deadline",
    "current_seed",
    "inject_switches",
    "is_test_call",
    "patch_condition",
    "patch_late_condition",
    "processes_ended",
    "record_processes",
    "record_thread_starts",
    "run_in_threads",
    "start_call",
    "start_through_spurious_wakeups",
    "stop_spinning",
    "stop_thread",
    "thread_cpu_time",
    "wait_until",
    "wait_until_blocked",
    "with_cpu_share",
]
