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


def cpu_over_wall(n=300_000):
    """Two CPU-bound threads: their CPU time over the wall time of the run."""
    wall, cpu = time.perf_counter(), time.process_time()
    workers = [threading.Thread(target=count, args=(n,)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


print(f"threads: CPU time / wall time = {cpu_over_wall():.2f} "
      "(at most about 1: one thread at a time)")

procs = [multiprocessing.Process(target=count, args=(300_000,)) for _ in range(2)]
for p in procs:
    p.start()
pids = [p.pid for p in procs]
for p in procs:
    p.join()
print(f"processes: {len(set(pids))} separate interpreters, each with its own GIL, "
      "so they can use two cores at once")
