"""Hidden tests for the bytecode exercise.

Each expected value is computed here from dis.get_instructions (so the tests
follow the interpreter's bytecode, not numbers copied from one version): the
instructions strictly between the first load of the name and the first store
of it after that load. Some functions are built to fool a solution that parses
the text printed by dis.dis (which also prints nested functions, and quotes
string constants) or one that looks for opnames of older Pythons (INPLACE_ADD:
Python 3.11 has BINARY_OP for every operator).
"""

from __future__ import annotations

import dis

import bytecode
import pytest

LOADS = {"LOAD_NAME", "LOAD_GLOBAL", "LOAD_FAST", "LOAD_DEREF", "LOAD_CLASSDEREF",
         "LOAD_ATTR", "LOAD_METHOD"}
STORES = {"STORE_NAME", "STORE_GLOBAL", "STORE_FAST", "STORE_DEREF", "STORE_ATTR"}

hits = 0
total = 0
count = 0


def expected(func, name):
    """(gap or None, a listing of the instructions for the failure message)."""
    instructions = list(dis.get_instructions(func))
    listing = "\n".join(f"    {i:3d}  {ins.opname:<16} {ins.argrepr}"
                        for i, ins in enumerate(instructions))
    loads = [i for i, ins in enumerate(instructions) if ins.opname in LOADS and ins.argval == name]
    if loads:
        stores = [i for i, ins in enumerate(instructions)
                  if ins.opname in STORES and ins.argval == name and i > loads[0]]
        if stores:
            return stores[0] - loads[0] - 1, listing
    return None, listing


def check(func, name, why=""):
    want, listing = expected(func, name)
    got = bytecode.rmw_gap(func, name)
    assert got == want and type(got) is type(want), (
        f"rmw_gap({func.__qualname__}, {name!r}) should be {want!r}, got {got!r}. {why}\n"
        f"The instructions of {func.__qualname__}, as dis.get_instructions lists them "
        f"(the window is the number of instructions strictly between the first load of "
        f"{name!r} and the next store of it):\n{listing}"
    )
    return want


# ---------------------------------------------------------------- the shapes

def bump_global():
    global hits
    hits += 1


def add_to_attribute(self, n):
    self.v = self.v + n


def augmented_attribute(self, n):
    self.v += n


def sum_in_a_loop(items):
    total = 0
    for item in items:
        total += item
    return total


def make_counter():
    n = 0

    def increment():
        nonlocal n
        n += 1
        return n

    return increment


def count_with_a_call(items):
    global count
    count = count + len(items)


def two_updates(k):
    global hits
    hits += 1
    hits = hits + 2 * k


@pytest.mark.lesson
def test_global_augmented_assignment():
    gap = check(bump_global, "hits",
                "`hits += 1` is LOAD_GLOBAL, LOAD_CONST, BINARY_OP, STORE_GLOBAL on Python 3.11 "
                "(BINARY_OP replaced INPLACE_ADD and BINARY_ADD in 3.11).")
    assert gap == 2


@pytest.mark.lesson
def test_attribute_read_modify_write():
    check(add_to_attribute, "v", "The load is LOAD_ATTR v, the store STORE_ATTR v.")


@pytest.mark.lesson
def test_augmented_attribute():
    check(augmented_attribute, "v")


@pytest.mark.lesson
def test_local_in_a_loop():
    check(sum_in_a_loop, "total",
          "A local variable is loaded with LOAD_FAST and stored with STORE_FAST; "
          "the first load comes after the first store `total = 0`.")


@pytest.mark.lesson
def test_closure_variable():
    check(make_counter(), "n", "A nonlocal variable is a cell: LOAD_DEREF / STORE_DEREF.")


@pytest.mark.lesson
def test_call_inside_the_window():
    gap = check(count_with_a_call, "count",
                "Every instruction between the load and the store counts, the call's too.")
    assert gap > 3


@pytest.mark.lesson
def test_first_window_of_two():
    check(two_updates, "hits", "Measure from the first load to the first store after it.")


# ---------------------------------------------------------------- no window

def only_reads(scale):
    return hits * scale


def only_writes():
    global hits
    hits = 0


def writes_then_reads():
    value = 10
    return value * 2


def test_name_read_but_never_written():
    check(only_reads, "hits", "`hits` is only read here: there is no window, return None.")


def test_name_written_but_never_read():
    check(only_writes, "hits", "`hits` is only stored here: return None.")


def test_store_before_the_load_only():
    check(writes_then_reads, "value",
          "`value` is stored, then loaded, and never stored again: no load is followed by "
          "a store, return None.")


def test_name_not_in_the_function():
    check(bump_global, "missing", "The name does not occur at all: return None.")


@pytest.mark.parametrize("name", ["self", "n"])
def test_other_names_of_the_update(name):
    check(add_to_attribute, name, f"`{name}` is loaded but never stored in this function.")


# ---------------------------------------------------------------- text parsing is fooled

def log_and_bump():
    global hits
    print("one more of the hits")
    hits += 1


def reads_then_defines_a_writer():
    seen = hits

    def writer():
        global hits
        hits = seen + 1

    return writer


@pytest.mark.lesson
def test_string_constant_mentioning_the_name():
    check(log_and_bump, "hits",
          "The string constant 'one more of the hits' is not a load of `hits` (LOAD_CONST "
          "loads a constant, not the variable). Compare Instruction.argval with the name, and only "
          "for load and store instructions.")


@pytest.mark.lesson
def test_store_only_in_a_nested_function():
    check(reads_then_defines_a_writer, "hits",
          "The store of `hits` is in the nested function `writer`, a separate code object: "
          "reads_then_defines_a_writer itself never stores `hits`, so the answer is None. "
          "dis.dis() also prints the nested function's code (after 'Disassembly of ...'), "
          "so parsing its text mixes two functions; dis.get_instructions(func) lists only "
          "func's own instructions.")
