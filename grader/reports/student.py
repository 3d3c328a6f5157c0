"""What a student may read about a result: each status in plain words (what
happened, what was expected, what to try), and messages with every trace of a
hidden test's source removed. Every student-facing format (feedback.md and
.html, Gradescope, GitHub) goes through here."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grader.model import ExerciseResult, Status, TestResult


@dataclass(frozen=True)
class Explanation:
    """One status, for a student."""

    happened: str
    expected: str
    to_try: str


EXPLAIN: dict[Status, Explanation] = {
    Status.FAILED: Explanation(
        "The test ran to the end, but one of its checks did not hold.",
        "The result the message below describes.",
        "Compare your result with the task in the exercise's README, then run "
        "`grader check SLUG` until the public tests pass."),
    Status.ERROR: Explanation(
        "Your code could not run: the file did not import, the process crashed or "
        "exited, or the test could not be set up.",
        "Your file imports without errors and your code returns normally.",
        "Run your file with `python` yourself and fix the first error it shows; never call "
        "`os._exit` or `sys.exit` in library code."),
    Status.MISSING: Explanation(
        "The file was not in your submission.",
        "The exercise's file, named exactly as in its README.",
        "Hand in the file with exactly this name."),
    Status.TIMEOUT: Explanation(
        "The test did not finish within its time limit: some call never returned.",
        "Every call returns within the time limit.",
        "Look where each thread was stuck below: usually a thread waits for a lock, a "
        "condition or a queue item that nobody will ever release, notify or put. Give "
        "every wait a way to end."),
    Status.DEADLOCK: Explanation(
        "Threads (or asyncio tasks) waited for each other in a circle, so none of them could "
        "go on.",
        "Threads never wait for each other in a circle.",
        "Take locks in one global order everywhere (for example sorted by id), or hold "
        "one lock at a time. A Lock cannot be taken twice by the same thread (use an "
        "RLock, or do not take it again)."),
    Status.STALL: Explanation(
        "Every thread (or asyncio task) was waiting, and nothing could ever wake any of them.",
        "Every wait is eventually woken up.",
        "Every wait needs a matching notify, every get() a put() (and, before a queue's "
        "join(), a task_done()): send one sentinel per consumer to say 'done', and make a "
        "Barrier's parties match the threads."),
    Status.POTENTIAL_DEADLOCK: Explanation(
        "Your code took the same locks in opposite orders in different places. This "
        "run did not hang, but two threads doing it at the same moment would.",
        "Locks are always taken in the same order.",
        "Take locks in one global order everywhere (for example sorted by id)."),
    Status.CRASH: Explanation(
        "A thread or process of your code died with an exception, and what waited for its "
        "work waited in vain.",
        "Every thread and process finishes its work, or hands its error to whoever waits "
        "for the result.",
        "Read the exception and the line it names below and fix the bug there. Where the "
        "work of a thread can fail, catch the exception in the thread and hand it on (a "
        "result slot, a queue) instead of letting the thread die."),
    Status.RESOURCE: Explanation(
        "Your code hit one of a run's resource limits (memory, processes and threads, "
        "output, file size or CPU time), so the process was stopped.",
        "Your code stays well within the limits: the tests need little of any of them.",
        "The message below says which limit and where your code was. Look for a loop that "
        "never ends, or a list, a string, a printout or a number of threads that grows "
        "without bound."),
    Status.BLOCKED_LOOP: Explanation(
        "A coroutine of your code ran a blocking call (time.sleep, a threading.Lock, reading "
        "or hashing a big file) on the event loop, so every other task stood still meanwhile.",
        "Coroutines only ever wait with `await`; blocking work runs in a thread or a process.",
        "Use `await asyncio.sleep()`, an `asyncio.Lock`, and `await asyncio.to_thread(f, ...)` "
        "(or `loop.run_in_executor`) for blocking or CPU-heavy work. The line below is the "
        "one that held the loop."),
    Status.NEVER_AWAITED: Explanation(
        "A coroutine of your code was created but never awaited, so it never ran; or a task "
        "died with an exception that nobody ever looked at.",
        "Every coroutine is awaited, and every task is awaited (or gathered) so its result "
        "and its exception are seen.",
        "Calling `f()` on an `async def f` only makes a coroutine object: write `await f()`, "
        "or start it as a task (`asyncio.gather`, a `TaskGroup`) and await that."),
    Status.SERIAL: Explanation(
        "The awaited operations ran one after another: each one started only when the one "
        "before it had finished.",
        "The operations are in flight at the same time.",
        "Start them all first, then wait for them together: `await asyncio.gather(*coros)` "
        "or `tg.create_task(...)` in an `async with asyncio.TaskGroup() as tg:` block; "
        "`await` in a loop waits for each before starting the next."),
    Status.RACE: Explanation(
        "Two threads (or asyncio tasks) used shared data at the same time: one ran between "
        "another's read and write (an update was lost) or between its check and its act.",
        "No update and no check is lost, however the threads interleave.",
        "Protect every read-modify-write of shared data (`x += 1`, check-then-act) with "
        "one lock held for the whole operation."),
}


SELF_DEADLOCK = Explanation(
    "A thread waited for a lock that it held itself, so it could never go on.",
    "A thread never takes a Lock it already holds.",
    "A Lock is not re-entrant: when a method that holds the lock calls another method that "
    "takes it too, use an RLock, or let the inner method assume the lock is held.")


def explain(status: Status, ex: ExerciseResult | None = None,
            test: TestResult | None = None) -> Explanation:
    """The explanation of ``status`` (of ``test``'s own diagnosis, where it tells
    more: a deadlock of one thread is a lock taken twice, not a circle), with
    the exercise's slug filled in."""
    base = EXPLAIN.get(status, EXPLAIN[Status.FAILED])
    diagnosis = test.diagnosis if test is not None else None
    if status is Status.DEADLOCK and diagnosis is not None and len(diagnosis.threads) == 1 \
            and any(held in diagnosis.threads[0].waits for held in diagnosis.threads[0].holds):
        base = SELF_DEADLOCK  # it waits for a lock it holds
    slug = ex.slug if ex else "SLUG"
    return Explanation(*(text.replace("SLUG", slug)
                         for text in (base.happened, base.expected, base.to_try)))


# A traceback entry in a hidden test: `File ".../x_hidden.py", line 3, in f`
# (traceback and faulthandler) or `x_hidden.py:3: ...` (pytest).
_HIDDEN_ENTRY = re.compile(r'File "[^"]*_hidden\.py", line|\b\S*_hidden\.py:\d+')
REDACTED = "(a line of a hidden test, not shown)"


class Redactor:
    """Removes hidden tests' source from text shown to students: traceback
    entries in a ``*_hidden.py`` file with their source line, and any line that
    is, or holds, a line of a hidden test file given to it (pytest prefixes a
    quoted line with ``>``, ``E`` or an exception's name)."""

    def __init__(self, hidden_files: Iterable[Path] = ()) -> None:
        self.lines: set[str] = set()
        for path in hidden_files:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except OSError:
                continue
            self.lines |= {_key(line) for line in text.splitlines() if _worth_hiding(line)}
        self.long = sorted((x for x in self.lines if len(x) >= 20), key=len, reverse=True)

    def _hides(self, line: str) -> bool:
        key = _key(line)
        return key in self.lines or any(hidden in key for hidden in self.long)

    def __call__(self, text: str) -> str:
        out: list[str] = []
        skip_indent: int | None = None
        for line in text.splitlines():
            indent = len(line) - len(line.lstrip())
            if skip_indent is not None:
                if line.strip() and indent > skip_indent:
                    continue  # the source line(s) under a hidden entry
                skip_indent = None
            if _HIDDEN_ENTRY.search(line):
                out.append(" " * indent + "(in a hidden test)")
                skip_indent = indent
                continue
            if self.lines and self._hides(line):
                out.append(" " * indent + REDACTED)
                continue
            out.append(line)
        return "\n".join(out)


def _key(line: str) -> str:
    return line.strip().lstrip(">").strip()


def _worth_hiding(line: str) -> bool:
    """A line that would give a hidden test away (not blank, not a bare
    bracket or keyword shared with any code)."""
    key = _key(line)
    return len(key) >= 12 and not key.startswith("#")


def failed_tests(ex: ExerciseResult) -> list[TestResult]:
    """The tests worth a paragraph: none when the whole exercise could not run
    (its one message says it all)."""
    if ex.status in (Status.MISSING, Status.ERROR, Status.RESOURCE) and ex.message and all(
            t.status is ex.status for t in ex.tests):
        return []
    return [t for t in ex.tests if t.status is not Status.PASSED]


def assertion(message: str, limit: int = 300) -> str:
    """The first sentence of a failed assertion's own message (the test
    author's words, e.g. "the value should be 800, but it is 245"), or ""."""
    first = message.lstrip().split("\n", 1)[0]
    if not first.startswith("AssertionError: "):
        return ""
    text = first.removeprefix("AssertionError: ").strip()
    end = text.find(". ")
    text = text if end < 0 else text[:end + 1]
    return text if len(text) <= limit else text[:limit - 1] + "…"


def first_line(text: str, limit: int = 200) -> str:
    line = next((x.strip() for x in text.splitlines() if x.strip()), "")
    return line if len(line) <= limit else line[:limit - 1] + "…"
