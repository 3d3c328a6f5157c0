# catches: text parsing of `dis.dis` output
# fails: test_store_only_in_a_nested_function
import dis
import io
import re

LINE = re.compile(r"^\s*(?:\d+\s+)?(?:>>\s+)?\d+\s+([A-Z_]+)(?:\s+\d+)?(?:\s+\((.*)\))?\s*$")


def rmw_gap(func, name):
    out = io.StringIO()
    dis.dis(func, file=out)
    instructions = []
    for line in out.getvalue().splitlines():
        m = LINE.match(line)
        if m:
            opname, argrepr = m.group(1), (m.group(2) or "")
            instructions.append((opname, argrepr.split(" + ")[-1]))
    load_at = None
    for i, (opname, arg) in enumerate(instructions):
        if arg != name or opname == "LOAD_CONST":
            continue
        if load_at is None and opname.startswith("LOAD_"):
            load_at = i
        elif load_at is not None and opname.startswith("STORE_"):
            return i - load_at - 1
    return None
