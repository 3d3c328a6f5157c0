"""The window in which a thread switch loses an update: the instructions
between the load of a variable and its next store."""

from __future__ import annotations

import dis
from collections.abc import Callable

# Instructions that read / write a variable or an attribute called ``argval``.
LOADS = {"LOAD_NAME", "LOAD_GLOBAL", "LOAD_FAST", "LOAD_DEREF", "LOAD_CLASSDEREF",
         "LOAD_ATTR", "LOAD_METHOD"}
STORES = {"STORE_NAME", "STORE_GLOBAL", "STORE_FAST", "STORE_DEREF", "STORE_ATTR"}


def rmw_gap(func: Callable[..., object], name: str) -> int | None:
    """Number of instructions strictly between the first load of ``name`` in
    ``func`` and the first store of ``name`` after it; None if there is none."""
    load_at = None
    for i, ins in enumerate(dis.get_instructions(func)):
        if ins.argval != name:
            continue
        if load_at is None and ins.opname in LOADS:
            load_at = i
        elif load_at is not None and ins.opname in STORES:
            return i - load_at - 1
    return None
