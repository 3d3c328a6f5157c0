"""Find the window in which a thread switch loses an update: the instructions
between the load of a variable and its next store.

Replace the ``raise NotImplementedError`` with your code; see README.md.
"""

from __future__ import annotations

import dis  # noqa: F401 - you will need it
from collections.abc import Callable


def rmw_gap(func: Callable[..., object], name: str) -> int | None:
    """The number of instructions strictly between the first load of ``name``
    in ``func`` and the first store of ``name`` after it (as
    ``dis.get_instructions(func)`` lists them); None if ``name`` is not loaded
    and then stored."""
    raise NotImplementedError("rmw_gap: walk dis.get_instructions(func)")
