"""Public tests for the bytecode exercise. Run them with `grader check bytecode`
(or `pytest` in this folder)."""

from __future__ import annotations

import bytecode

counter = 0


def increment():
    global counter
    counter += 1  # LOAD_GLOBAL counter, LOAD_CONST 1, BINARY_OP +=, STORE_GLOBAL counter


class Account:
    def __init__(self):
        self.balance = 0

    def deposit(self, amount):
        # LOAD_FAST self, LOAD_ATTR balance, LOAD_FAST amount, BINARY_OP +,
        # LOAD_FAST self, STORE_ATTR balance
        self.balance = self.balance + amount


def report():
    return counter * 2


def test_global_increment():
    assert bytecode.rmw_gap(increment, "counter") == 2


def test_attribute_update():
    assert bytecode.rmw_gap(Account.deposit, "balance") == 3


def test_read_only_gives_none():
    assert bytecode.rmw_gap(report, "counter") is None
