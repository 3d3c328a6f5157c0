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

print("switch interval:", sys.getswitchinterval(), "s")

old = sys.getswitchinterval()
sys.setswitchinterval(0.001)
try:
    print("now:", sys.getswitchinterval())
finally:
    sys.setswitchinterval(old)      # always restore it

# %% [markdown]
# How often do two CPU-bound threads take turns? Each notes when it runs after
# the other one did; a shorter switch interval gives more turns.

# %%
def turns(interval, n=1_000_000):
    last, count = [None], [0]

    def work(name):
        for _ in range(n):
            if last[0] != name:
                count[0] += 1
                last[0] = name

    old = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    return count[0]


print("turns with a 5 ms interval:  ", turns(0.005))
print("turns with a 0.1 ms interval:", turns(0.0001))
