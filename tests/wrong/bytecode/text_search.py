# catches: text parsing of `dis.dis` output
# fails: test_string_constant_mentioning_the_name, test_store_only_in_a_nested_function
import contextlib
import dis
import io


def rmw_gap(func, name):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        dis.dis(func)
    lines = [ln for ln in buf.getvalue().splitlines() if ln.strip() and "_" in ln]
    start = None
    for i, line in enumerate(lines):
        if "LOAD" in line and name in line and start is None:
            start = i
        elif "STORE" in line and name in line and start is not None:
            return i - start - 1
    return None
