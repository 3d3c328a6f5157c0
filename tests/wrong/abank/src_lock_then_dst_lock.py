# catches: two accounts' locks taken in opposite orders (tasks wait for each other forever)
# fails: test_opposite_transfers_do_not_deadlock, test_transfers_both_ways_do_not_deadlock, test_transfers_both_ways_at_once
# kind: deadlock
"""Takes src's lock, checks and audits src, and only then takes dst's lock for
the deposit: an await between the two locks, taken in the transfer's direction."""

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
        async with self.lock:
            await self.audit("deposit", amount)
            self.balance += amount


async def transfer(src: Account, dst: Account, amount: int) -> bool:
    if amount < 0:
        raise ValueError(amount)
    if src is dst:
        async with src.lock:
            return src.balance >= amount
    async with src.lock:
        if src.balance < amount:
            return False
        await src.audit("withdraw", amount)
        async with dst.lock:
            await dst.audit("deposit", amount)
            src.balance -= amount
            dst.balance += amount
            return True
