# catches: `threading.Lock` in a coroutine (blocks the loop's thread when contended)
# fails: test_waiting_for_the_lock_does_not_block_the_loop, test_concurrent_withdraws_never_overdraw, test_concurrent_deposits_lose_nothing
# kind: blocked-loop
"""The thread exercises' lock, kept: `with self.lock:` around the awaits. The
second task that wants a held lock blocks the thread that runs the loop."""

import asyncio
import threading


class Account:
    def __init__(self, balance: int = 0) -> None:
        self.balance = balance
        self.lock = threading.Lock()

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
