# catches: check-then-act across an await (overdraft under concurrent withdraws)
# fails: test_concurrent_withdraws_never_overdraw, test_concurrent_deposits_lose_nothing, test_transfers_and_withdraws_never_overdraw, test_concurrent_withdraws_do_not_overdraw
# kind: race
"""No lock at all: "coroutines run on one thread, so nothing can run between my
check and my update". Except at the await of the audit."""

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
        if self.balance < amount:
            return False
        await self.audit("withdraw", amount)
        self.balance -= amount
        return True

    async def deposit(self, amount: int) -> None:
        if amount < 0:
            raise ValueError(amount)
        new = self.balance + amount
        await self.audit("deposit", amount)
        self.balance = new


async def transfer(src: Account, dst: Account, amount: int) -> bool:
    if amount < 0:
        raise ValueError(amount)
    if src.balance < amount:
        return False
    if src is dst:
        return True
    await src.audit("withdraw", amount)
    await dst.audit("deposit", amount)
    src.balance -= amount
    dst.balance += amount
    return True
