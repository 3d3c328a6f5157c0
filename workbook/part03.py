# %% [markdown]
# # Part 3: threads
#
# A thread is an independent flow of control inside one program. All the threads
# of a process share its memory: the same globals, the same objects. Python's
# `threading` module gives two ways to say what a thread runs: a subclass of
# `threading.Thread` with a `run()` method, or a plain function passed as
# `target=`. `start()` launches the thread; `join()` waits for it to finish.
#
# The tutorial's `countdown.py`, in Python 3.11: two threads count down at the
# same time (with shorter sleeps, so the cell finishes quickly).

# %%
import threading
import time


class CountdownThread(threading.Thread):
    def __init__(self, count):
        super().__init__()          # the slides: threading.Thread.__init__(self)
        self.count = count

    def run(self):                  # runs in the new thread once start() is called
        while self.count > 0:
            print(f"{self.name}: counting down {self.count}")
            self.count -= 1
            time.sleep(0.01)


t1 = CountdownThread(3)
t2 = CountdownThread(3)
t1.start()
t2.start()
t1.join()
t2.join()

# %% [markdown]
# The same with a function as the target (`countdown2.py`), and a daemon thread:
# a daemon does not keep the program alive (`daemon=True`, set before `start()`;
# `setDaemon()` is deprecated).

# %%
def countdown(count):
    for n in range(count, 0, -1):
        print(f"{threading.current_thread().name}: {n}")


workers = [threading.Thread(target=countdown, args=(2,), name=f"worker-{i}") for i in range(2)]
for w in workers:
    w.start()                       # start them all first ...
for w in workers:
    w.join()                        # ... then wait for all: they ran at the same time

stop = threading.Event()
beat = threading.Thread(target=lambda: stop.wait(), daemon=True)
beat.start()
print("daemon:", beat.daemon, "alive:", beat.is_alive())
stop.set()
beat.join()

# %% [markdown]
# Shared data and a race: `counter += 1` is a read, an add and a write. Since
# Python 3.10 the interpreter rarely switches threads between them, so the lost
# update below seldom shows, but it is still a bug; the exercise `race` makes it
# show every time and asks you to fix it with a lock.

# %%
counter = 0


def add(n):
    global counter
    for _ in range(n):
        counter += 1                # not atomic: load, add, store


threads = [threading.Thread(target=add, args=(10_000,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("counter:", counter, "(40000 unless an update was lost)")
