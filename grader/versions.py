"""Which Pythons the grader supports and was tested on (``make test-pythons``)."""

from __future__ import annotations

import sys

SUPPORTED = ">=3.11"  # requires-python of everything released
TESTED = ((3, 11), (3, 13), (3, 14))  # 3.12: no Debian package to test it with here


def untested() -> str | None:
    """A one-line warning when this interpreter is not one the grader was tested on."""
    version = sys.version_info[:2]
    if getattr(sys, "_is_gil_enabled", lambda: True)() is False:
        return ("this is a free-threaded Python (no GIL): the grader was tested with the "
                "GIL only, and the gil exercise expects it")
    if version not in TESTED:
        tested = ", ".join(f"{major}.{minor}" for major, minor in TESTED)
        return (f"Python {version[0]}.{version[1]} is not one the grader was tested on "
                f"({tested}): a verdict may differ from your teacher's")
    return None
