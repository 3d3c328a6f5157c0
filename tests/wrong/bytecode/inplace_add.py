# catches: hard-coded opnames of older Pythons (`INPLACE_ADD`)
# fails: test_global_augmented_assignment, test_attribute_read_modify_write, test_augmented_attribute, test_local_in_a_loop, test_closure_variable, test_call_inside_the_window, test_first_window_of_two, test_string_constant_mentioning_the_name
import dis

LOADS = {"LOAD_NAME", "LOAD_GLOBAL", "LOAD_FAST", "LOAD_DEREF", "LOAD_ATTR"}
STORES = {"STORE_NAME", "STORE_GLOBAL", "STORE_FAST", "STORE_DEREF", "STORE_ATTR"}
# a read-modify-write is load, arithmetic, store (as in Python 3.10 and the 2009 slides)
ARITHMETIC = {"INPLACE_ADD", "INPLACE_SUBTRACT", "INPLACE_MULTIPLY",
              "BINARY_ADD", "BINARY_SUBTRACT", "BINARY_MULTIPLY"}


def rmw_gap(func, name):
    ops = list(dis.get_instructions(func))
    for i, ins in enumerate(ops):
        if ins.opname in LOADS and ins.argval == name:
            seen_op = False
            for j in range(i + 1, len(ops)):
                if ops[j].opname in ARITHMETIC:
                    seen_op = True
                if ops[j].opname in STORES and ops[j].argval == name:
                    if seen_op:
                        return j - i - 1
                    break
    return None
