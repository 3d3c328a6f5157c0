# %% [markdown]
# # Part 12 (beyond the tutorial): asyncio
#
# Part 11 ran generators as cooperative tasks: each `yield` handed control back
# to a scheduler, and a task was never interrupted between two yields. `asyncio`
# is that idea, built into the language: an `async def` function is a
# *coroutine*, `await` is the point where it hands control back to the *event
# loop*, and the loop runs whichever task can go on, one at a time, on one
# thread. The loop waits on sockets with `selectors`, like the echo server of
# part 11.
#
# Three things to remember from the thread parts:
#
# - **Concurrency is explicit.** Calling `fetch(url)` on an `async def fetch`
#   only makes a coroutine object. It runs when awaited. `await` waits for that
#   one operation; to run several at once, start them all first
#   (`asyncio.gather`, an `asyncio.TaskGroup`) and then wait for them together.
# - **Nothing else runs between two awaits** (no lock needed there), but
#   anything can run *at* an await. A check-then-act that spans an `await` is a
#   race, as in part 3; an `asyncio.Lock` held across it fixes it, as in part 4.
# - **A blocking call blocks everyone.** `time.sleep`, a `threading.Lock` or
#   hashing a big file inside a coroutine stops the whole loop. Await
#   `asyncio.sleep`, use `asyncio.Lock`, and hand blocking work to a thread
#   with `asyncio.to_thread` (the GIL lessons of part 6 still hold there).

# %%
import asyncio
import time


async def fetch(key, seconds):
    await asyncio.sleep(seconds)  # stands for network I/O: the loop runs others meanwhile
    return key


async def one_after_another():
    return [await fetch(k, 0.1) for k in "abc"]


async def all_at_once():
    return await asyncio.gather(*(fetch(k, 0.1) for k in "abc"))


for main in (one_after_another, all_at_once):
    start = time.perf_counter()
    print(main.__name__, asyncio.run(main()), f"{time.perf_counter() - start:.2f} s")

# %% [markdown]
# Tasks, a bound on how many run at once, a timeout, and cancellation. Since
# Python 3.11 a `TaskGroup` waits for all its tasks and cancels the rest when
# one fails; `asyncio.timeout` cancels what runs inside it when time is up.

# %%
async def limited(keys, limit):
    gate = asyncio.Semaphore(limit)

    async def one(key):
        async with gate:  # at most `limit` inside at once
            return await fetch(key, 0.05)

    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(one(k)) for k in keys]
    return [t.result() for t in tasks]


async def too_slow():
    try:
        async with asyncio.timeout(0.1):
            await fetch("never", 10)
    except TimeoutError:
        return "timed out, and the fetch was cancelled"


print(asyncio.run(limited("abcdef", 2)))
print(asyncio.run(too_slow()))

# %% [markdown]
# The check-then-act race of part 3, with tasks: both withdrawals see enough
# money before either takes it, because each one awaits in between.

# %%
class Account:
    def __init__(self, balance):
        self.balance = balance
        self.lock = asyncio.Lock()

    async def withdraw_racy(self, amount):
        if self.balance >= amount:
            await asyncio.sleep(0)  # any await: another task may run here
            self.balance -= amount

    async def withdraw(self, amount):
        async with self.lock:  # check and act as one step
            if self.balance >= amount:
                await asyncio.sleep(0)
                self.balance -= amount


async def two_withdrawals(method):
    account = Account(100)
    await asyncio.gather(method(account, 80), method(account, 80))
    return account.balance


print("racy:", asyncio.run(two_withdrawals(Account.withdraw_racy)))
print("locked:", asyncio.run(two_withdrawals(Account.withdraw)))
