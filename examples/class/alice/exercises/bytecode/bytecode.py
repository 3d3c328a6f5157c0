"""rmw_gap with dis.Bytecode and opname prefixes (LOAD_CONST and LOAD_CLOSURE
load a constant or a cell, not the variable's value)."""

import dis

NOT_A_VALUE_LOAD = ("LOAD_CONST", "LOAD_CLOSURE", "LOAD_ASSERTION_ERROR")


def _is_load(ins, name):
    return ins.opname.startswith("LOAD_") and ins.opname not in NOT_A_VALUE_LOAD \
        and ins.argval == name


def _is_store(ins, name):
    return ins.opname.startswith("STORE_") and ins.argval == name


def rmw_gap(func, name):
    code = list(dis.Bytecode(func))
    try:
        start = next(i for i, ins in enumerate(code) if _is_load(ins, name))
        end = next(i for i in range(start + 1, len(code)) if _is_store(code[i], name))
    except StopIteration:
        return None
    return len(code[start + 1:end])
