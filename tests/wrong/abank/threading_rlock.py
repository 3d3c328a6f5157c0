# catches: check-then-act across an await (a threading.RLock: every task runs on the loop's one thread, so it keeps none out)
# fails: test_concurrent_withdraws_never_overdraw, test_transfers_and_withdraws_never_overdraw, test_concurrent_withdraws_do_not_overdraw
# kind: race
"""A threading.RLock "so that transfer can call withdraw": all tasks run on
the same thread, which owns the RLock already, so every task gets in."""

import asyncio
import threading


class Account:
    def __init__(self, balance: int = 0) -> None:
        self.balance = balance
        self.lock = threading.RLock()

    async def audit(self, op: str, amount: int) -> None:
        await asyncio.sleep(0)

    async def withdraw(self, amount: int) -> bool:
        if amount < 0:
            raise ValueError(amount)
        with self.lock:
            if self.balance < amount:
                return False
            await self.audit("withdraw", amount)
            self.balance -= amount
            return True

    async def deposit(self, amount: int) -> None:
        if amount < 0:
            raise ValueError(amount)
        with self.lock:
            await self.audit("deposit", amount)
            self.balance += amount


async def transfer(src: Account, dst: Account, amount: int) -> bool:
    if amount < 0:
        raise ValueError(amount)
    if src is dst:
        with src.lock:
            return src.balance >= amount
    first, second = sorted((src, dst), key=id)
    with first.lock, second.lock:
        if src.balance < amount:
            return False
        await src.audit("withdraw", amount)
        await dst.audit("deposit", amount)
        src.balance -= amount
        dst.balance += amount
        return True
