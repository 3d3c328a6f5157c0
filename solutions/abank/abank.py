"""Bank accounts for coroutines: an asyncio.Lock per account, held from the
check to the update, and transfers that take two locks in one global order."""

import asyncio


class Account:
    """A bank account: its ``balance`` and the ``lock`` (an ``asyncio.Lock``)
    that guards it from the check to the update."""

    def __init__(self, balance: int = 0) -> None:
        self.balance = balance
        self.lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"Account(balance={self.balance})"

    async def audit(self, op: str, amount: int) -> None:
        """Record ``op`` ("withdraw" or "deposit") of ``amount`` before the
        balance changes. Tests replace it on the instance."""
        await asyncio.sleep(0)

    async def withdraw(self, amount: int) -> bool:
        """Take ``amount`` out: True when done, False (nothing changed) when the
        balance is too small. ValueError when ``amount`` is negative."""
        _check(amount)
        async with self.lock:
            if self.balance < amount:
                return False
            await self.audit("withdraw", amount)
            self.balance -= amount
            return True

    async def deposit(self, amount: int) -> None:
        """Put ``amount`` in. ValueError when ``amount`` is negative."""
        _check(amount)
        async with self.lock:
            await self.audit("deposit", amount)
            self.balance += amount


async def transfer(src: Account, dst: Account, amount: int) -> bool:
    """Move ``amount`` from ``src`` to ``dst`` as one step for both accounts:
    True when done, False (nothing changed) when ``src`` lacks the funds."""
    _check(amount)
    if src is dst:
        # asyncio.Lock is not reentrant either: one account, one lock.
        async with src.lock:
            return src.balance >= amount
    # Every task takes the lock of the account with the lower id() first, so no
    # two tasks can each hold the lock the other one waits for.
    first, second = sorted((src, dst), key=id)
    async with first.lock, second.lock:
        if src.balance < amount:
            return False
        await src.audit("withdraw", amount)
        await dst.audit("deposit", amount)
        src.balance -= amount
        dst.balance += amount
        return True


def _check(amount: int) -> None:
    if amount < 0:
        raise ValueError(f"amount must not be negative, got {amount}")
