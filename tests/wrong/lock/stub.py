# catches: the stub itself (nothing implemented)
# fails: test_deposit_withdraw_and_refused_overdraft, test_concurrent_deposits_are_not_lost, test_only_one_of_several_withdrawals_of_the_last_money_succeeds, test_withdrawals_add_up_and_never_overdraw, test_lock_is_released_when_deposit_raises, test_lock_is_released_when_withdraw_raises, test_accounts_do_not_share_one_lock
"""Mutex locks: a bank account shared by many threads.

Make Account safe for many threads with a threading.Lock, taken with
lock.acquire() and given back with lock.release() (see README.md), then check
your work with `grader check lock`.
"""

import threading  # noqa: F401 - you will need it


class Account:
    """A bank account that many threads may use at once."""

    def __init__(self, balance=0):
        self._balance = balance
        # TODO: a lock for this account.

    def deposit(self, amount):
        """Add ``amount`` to the balance."""
        raise NotImplementedError("Account.deposit")

    def withdraw(self, amount):
        """Take ``amount`` out of the account if the balance covers it and
        return True; otherwise change nothing and return False."""
        raise NotImplementedError("Account.withdraw")

    @property
    def balance(self):
        """The current balance."""
        raise NotImplementedError("Account.balance")
