# catches: check-then-act across an await (a deposit reads the balance, awaits the audit, then writes)
# fails: test_concurrent_deposits_lose_nothing
# kind: race
"""Withdraw and transfer are right; deposit "cannot overdraw, so it needs no
lock", but it reads the balance before the audit and writes after it."""

import asyncio


class Account:
    def __init__(self, balance: int = 0) -> None:
        self.balance = balance
        self.lock = asyncio.Lock()

    async def audit(self, op: str, amount: int) -> None:
        await asyncio.sleep(0)

    async def withdraw(self, amount: int) -> bool:
        if amount < 0:
            raise ValueError(amount)
        async with self.lock:
            if self.balance < amount:
                return False
            await self.audit("withdraw", amount)
            self.balance -= amount
            return True

    async def deposit(self, amount: int) -> None:
        if amount < 0:
            raise ValueError(amount)
        new_balance = self.balance + amount
        await self.audit("deposit", amount)
        self.balance = new_balance


async def transfer(src: Account, dst: Account, amount: int) -> bool:
    if amount < 0:
        raise ValueError(amount)
    if src is dst:
        async with src.lock:
            return src.balance >= amount
    first, second = sorted((src, dst), key=id)
    async with first.lock, second.lock:
        if src.balance < amount:
            return False
        await src.audit("withdraw", amount)
        await dst.audit("deposit", amount)
        src.balance -= amount
        dst.balance += amount
        return True
