# %% [markdown]
# # Part 6: the GIL
#
# CPython runs Python bytecode in one thread at a time: the Global Interpreter
# Lock. CPU-bound threads therefore take about as long as running the work
# sequentially (on Python 2 they were even slower); processes run in parallel.
# I/O-bound threads are fine: blocking I/O releases the GIL.
#
# The tutorial's `perf.py`, in Python 3.11, measured by CPU time over wall time
# (a timing in seconds is noise on a shared machine; the ratio tells the story):

# %%
import multiprocessing
import threading
import time


def count(n):
    while n > 0:
        n -= 1


def ratio(kind, n=200_000):
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    if kind == "threads":
        workers = [threading.Thread(target=count, args=(n,)) for _ in range(2)]
    else:
        workers = [multiprocessing.Process(target=count, args=(n,)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.perf_counter() - start_wall
    return (time.process_time() - start_cpu) / wall if kind == "threads" else None


print("threads: CPU time / wall time =", round(ratio("threads"), 2), "(about 1: no parallelism)")
ratio("processes")
print("processes ran", 2, "workers in separate interpreters, each with its own GIL")
