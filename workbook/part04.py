# %% [markdown]
# # Part 4: thread synchronization primitives
#
# `threading` offers `Lock`, `RLock`, `Semaphore`, `BoundedSemaphore`, `Event`
# and `Condition`. A lock makes a critical section mutually exclusive; use it in
# a `with` statement so it is released even when the body raises. An `RLock` may
# be re-acquired by the thread holding it. A semaphore counts; an event signals;
# a condition lets threads wait until some state changes.
#
# The tutorial's `lock_ex.py` / `lock_with.py`, in Python 3.11:

# %%
import threading

x = 0
x_lock = threading.Lock()


def add(n):
    global x
    for _ in range(n):
        with x_lock:                # acquire ... release, even on an exception
            x += 1


threads = [threading.Thread(target=add, args=(10_000,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("x =", x)

# %% [markdown]
# Events for signalling (`event_barrier.py`) and a `Condition` for a
# producer-consumer (`cond.py`): always `wait()` in a `while` loop that re-checks
# the state, and notify while holding the lock.

# %%
import collections

ready = threading.Event()
items = collections.deque()
items_cv = threading.Condition()
done = object()


def producer():
    ready.wait()                    # start only after initialisation
    for i in range(3):
        with items_cv:
            items.append(i)
            items_cv.notify()
    with items_cv:
        items.append(done)
        items_cv.notify()


def consumer(out):
    while True:
        with items_cv:
            while not items:        # while, not if: re-check after every wake-up
                items_cv.wait()
            item = items.popleft()
        if item is done:
            return
        out.append(item)


got = []
threads = [threading.Thread(target=producer), threading.Thread(target=consumer, args=(got,))]
for t in threads:
    t.start()
ready.set()                         # initialisation finished
for t in threads:
    t.join()
print("consumed:", got)

# %% [markdown]
# Deadlock: two threads taking two locks in opposite orders can wait for each
# other forever. The cure is one global order of acquisition:

# %%
a, b = threading.Lock(), threading.Lock()


def both(first, second):
    lo, hi = sorted((first, second), key=id)   # always the same order
    with lo, hi:
        pass


t1 = threading.Thread(target=both, args=(a, b))
t2 = threading.Thread(target=both, args=(b, a))
t1.start()
t2.start()
t1.join()
t2.join()
print("no deadlock")
