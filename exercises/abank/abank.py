"""asyncio.Lock: bank accounts whose bookkeeping awaits between the check and
the update, and transfers between two of them.

Write Account and transfer (see README.md), then check your work with
`grader check abank`.
"""

import asyncio


class Account:
    """A bank account: ``balance`` (an int) and ``lock`` (its asyncio.Lock)."""

    def __init__(self, balance: int = 0) -> None:
        """Keep ``balance`` in ``self.balance`` and make ``self.lock``, an
        ``asyncio.Lock``: the lock every operation on this account takes."""
        raise NotImplementedError("Account.__init__")

    async def audit(self, op: str, amount: int) -> None:
        """The bookkeeping awaited before a balance changes: ``op`` is
        "withdraw" or "deposit". Given: keep it as it is. The tests replace it
        on the instance (``account.audit = their_audit``) with a coroutine
        function taking ``(op, amount)``."""
        await asyncio.sleep(0)

    async def withdraw(self, amount: int) -> bool:
        """Take ``amount`` out: when the balance is at least ``amount``, await
        ``self.audit("withdraw", amount)``, subtract it and return True;
        otherwise change nothing and return False. Negative ``amount``:
        ValueError."""
        raise NotImplementedError("Account.withdraw")

    async def deposit(self, amount: int) -> None:
        """Await ``self.audit("deposit", amount)``, then add ``amount``.
        Negative ``amount``: ValueError."""
        raise NotImplementedError("Account.deposit")


async def transfer(src: Account, dst: Account, amount: int) -> bool:
    """Move ``amount`` from ``src`` to ``dst`` as one step for both accounts,
    holding both locks (taken in one global order) from the funds check to the
    update: True when done, False (nothing changed) when ``src`` lacks the
    funds. Audits ``src`` ("withdraw") then ``dst`` ("deposit") before the
    balances change. ``transfer(a, a, amount)`` changes nothing and returns
    whether ``a`` holds at least ``amount``. Negative ``amount``: ValueError."""
    raise NotImplementedError("transfer")
