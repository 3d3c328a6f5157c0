# %% [markdown]
# # Part 7: the switch interval
#
# How do threads take turns on the GIL? Python 2 switched every 100 "ticks"
# (`sys.setcheckinterval`). Since Python 3.2 a thread that wants the GIL asks
# for it, and the holder drops it after the *switch interval* (5 ms by default):
# `sys.getswitchinterval()` / `sys.setswitchinterval()`. `setcheckinterval` is
# gone.

# %%
import sys
import threading
import time

print("switch interval:", sys.getswitchinterval(), "s")

old = sys.getswitchinterval()
sys.setswitchinterval(0.001)
try:
    print("now:", sys.getswitchinterval())
finally:
    sys.setswitchinterval(old)      # always restore it

# %% [markdown]
# A heartbeat thread ticking every millisecond while the main thread is busy:
# the gaps between beats show how long it waited for the GIL.

# %%
beats = []
stop = threading.Event()


def heartbeat():
    while not stop.is_set():
        beats.append(time.perf_counter())
        time.sleep(0.001)


t = threading.Thread(target=heartbeat)
t.start()
n = 0
for _ in range(300_000):            # CPU-bound work in the main thread
    n += 1
stop.set()
t.join()
gaps = [b - a for a, b in zip(beats, beats[1:], strict=False)]
print(f"{len(beats)} beats, longest gap {max(gaps, default=0) * 1000:.1f} ms")
