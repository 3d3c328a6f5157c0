"""Correct: each account gets a number when created, and transfers lock the
lower number first; explicit acquire/release with try/finally."""

import asyncio
import itertools

_numbers = itertools.count()


class Account:
    def __init__(self, balance=0):
        self.balance = balance
        self.number = next(_numbers)
        self.lock = asyncio.Lock()

    async def audit(self, op, amount):
        await asyncio.sleep(0)

    async def withdraw(self, amount):
        if amount < 0:
            raise ValueError("negative amount")
        await self.lock.acquire()
        try:
            if amount > self.balance:
                return False
            await self.audit("withdraw", amount)
            self.balance -= amount
            return True
        finally:
            self.lock.release()

    async def deposit(self, amount):
        if amount < 0:
            raise ValueError("negative amount")
        await self.lock.acquire()
        try:
            await self.audit("deposit", amount)
            self.balance += amount
        finally:
            self.lock.release()


async def transfer(src, dst, amount):
    if amount < 0:
        raise ValueError("negative amount")
    if src is dst:
        async with src.lock:
            return amount <= src.balance
    low, high = (src, dst) if src.number < dst.number else (dst, src)
    async with low.lock:
        async with high.lock:
            if amount > src.balance:
                return False
            await src.audit("withdraw", amount)
            await dst.audit("deposit", amount)
            src.balance -= amount
            dst.balance += amount
            return True
