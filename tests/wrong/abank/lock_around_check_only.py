# catches: check-then-act across an await (the lock covers the check, not the audit and the update)
# fails: test_concurrent_withdraws_never_overdraw, test_transfers_and_withdraws_never_overdraw, test_concurrent_withdraws_do_not_overdraw
# kind: race
"""Locks the check and the update separately: each one is atomic, the pair is
not. The audit in between lets every other withdraw check the old balance."""

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
            enough = self.balance >= amount
        if not enough:
            return False
        await self.audit("withdraw", amount)
        async with self.lock:
            self.balance -= amount
        return True

    async def deposit(self, amount: int) -> None:
        if amount < 0:
            raise ValueError(amount)
        await self.audit("deposit", amount)
        async with self.lock:
            self.balance += amount


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
    async with first.lock, second.lock:
        src.balance -= amount
        dst.balance += amount
    return True
