# %% [markdown]
# # Part 8: inside the GIL: bytecode and contention
#
# The GIL protects the interpreter, not your data. A thread switch can happen
# between any two bytecode instructions, and `x = x + 1` is several of them:
# the `dis` module shows where an update can be lost.

# %%
import dis


def incr():
    global x
    x = x + 1


dis.dis(incr)

# %% [markdown]
# Contention: an I/O-bound thread beside a CPU-bound one waits for the GIL each
# time its I/O completes. Here the "I/O" is a short sleep, and we measure how
# much later than asked each wake-up came while a CPU-bound thread runs.

# %%
import threading
import time


def spin(stop):
    while not stop.is_set():
        pass


def latencies(k=20, period=0.001):
    late = []
    for _ in range(k):
        start = time.perf_counter()
        time.sleep(period)
        late.append(time.perf_counter() - start - period)
    return late


alone = latencies()
stop = threading.Event()
hog = threading.Thread(target=spin, args=(stop,))
hog.start()
beside = latencies()
stop.set()
hog.join()
print(f"median extra delay: alone {sorted(alone)[10] * 1e3:.2f} ms, "
      f"beside a CPU-bound thread {sorted(beside)[10] * 1e3:.2f} ms")
