"""A run's resource limits: applied in the child before any student code, and
recognised when the student's code hits one (a ``resource`` verdict that says
which limit, and how much it allows)."""

from __future__ import annotations

import errno
import resource
import signal

from grader.runner.protocol import ChildLimits

_MB = 1024 * 1024


def apply(limits: ChildLimits) -> None:
    """Resource limits chosen so that multiprocessing still works."""
    wanted = {
        resource.RLIMIT_AS: limits.memory_mb * _MB,
        resource.RLIMIT_CPU: limits.cpu_seconds,
        resource.RLIMIT_FSIZE: limits.file_size_mb * _MB,
        resource.RLIMIT_NOFILE: limits.open_files,
        resource.RLIMIT_CORE: 0,
    }
    for which, value in wanted.items():
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value if which != resource.RLIMIT_CPU else hard))
    # A write past RLIMIT_FSIZE raises OSError instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _limit(which: int) -> str:
    soft, _ = resource.getrlimit(which)
    if soft == resource.RLIM_INFINITY:
        return "no limit"
    return f"{soft // _MB} MB" if which in (resource.RLIMIT_AS, resource.RLIMIT_FSIZE) \
        else str(soft)


def exceeded(exc: BaseException) -> str | None:
    """Which limit ``exc`` shows the student's code hit, in words; None if none."""
    if isinstance(exc, MemoryError):
        return (f"your code ran out of memory: each process of a run may use "
                f"{_limit(resource.RLIMIT_AS)} of address space (memory_mb in course.toml). "
                "Is a list or a string growing without end, or one made far too big?")
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return (f"your code wrote more than a run may write: "
                f"{_limit(resource.RLIMIT_FSIZE)} per file, and everything it prints goes "
                "to a file too (file_size_mb in course.toml). Is it printing in an endless "
                "loop?")
    if isinstance(exc, OSError) and exc.errno == errno.EMFILE:
        return (f"your code opened too many files and sockets at once: a run may have "
                f"{_limit(resource.RLIMIT_NOFILE)} open (open_files in course.toml). Close "
                "what you open (`with open(...)`, `with socket...`).")
    return None


_TEXT = (("MemoryError", MemoryError()), ("[Errno 27]", OSError(errno.EFBIG, "")),
         ("[Errno 24]", OSError(errno.EMFILE, "")))


def exceeded_in(text: str) -> str | None:
    """Which limit a traceback's text shows was hit (an import that failed)."""
    for mark, exc in _TEXT:
        if mark in text:
            return exceeded(exc)
    return None


def killed_by(signum: int) -> str | None:
    """The limit a process killed by ``signum`` hit, in words; None if none."""
    if signum == signal.SIGXCPU:
        return ("a process of your code used up its CPU time (cpu_seconds in course.toml): "
                "an endless loop?")
    return None
