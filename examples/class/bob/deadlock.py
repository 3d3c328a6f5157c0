"""Correct: a context manager that locks a set of accounts in account-id order
(duplicates dropped, so src is dst needs no special case), with a log line."""

import contextlib
import threading

VERBOSE = False


class Account:
    def __init__(self, id, balance=0):
        self.id = id
        self.balance = balance
        self.lock = threading.Lock()


@contextlib.contextmanager
def locked(*accounts):
    unique = {acc.id: acc for acc in accounts}
    with contextlib.ExitStack() as stack:
        for acc_id in sorted(unique):
            stack.enter_context(unique[acc_id].lock)
        yield


def transfer(src, dst, amount):
    with locked(src, dst):
        if src.balance < amount:
            if VERBOSE:
                print(f"refused: {src} has {src.balance} < {amount}")
            return False
        src.balance -= amount
        dst.balance += amount
    if VERBOSE:
        print(f"moved {amount} from {src.id} to {dst.id}")
    return True
