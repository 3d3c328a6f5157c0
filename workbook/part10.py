# %% [markdown]
# # Part 10: the multiprocessing module
#
# `multiprocessing` mirrors `threading` with processes: `Process`, `Queue`,
# `Pipe`, `Lock`, shared `Value`/`Array`, and `Pool` for a pool of workers.
# Each process has its own interpreter and GIL, so CPU-bound work runs in
# parallel. Under the `spawn` start method, targets must be importable
# module-level functions (in a notebook, put them in a `.py` file).
#
# The tutorial's `poolmp.py`-style use of a pool, in Python 3.11:

# %%
import hashlib
import multiprocessing


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


blobs = [bytes([i]) * 100_000 for i in range(4)]
with multiprocessing.get_context("fork").Pool(2) as pool:
    print(pool.map(digest, blobs))

# %% [markdown]
# A pipe between two processes, and a queue feeding a worker with a sentinel:

# %%
ctx = multiprocessing.get_context("fork")


def echo(conn):
    while (msg := conn.recv()) is not None:
        conn.send(msg * 2)
    conn.close()


parent, child_end = ctx.Pipe()
p = ctx.Process(target=echo, args=(child_end,))
p.start()
parent.send(21)
print("echo:", parent.recv())
parent.send(None)
p.join(timeout=30)
print("exit code:", p.exitcode)
