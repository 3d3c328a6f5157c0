# %% [markdown]
# # Part 5: threads and queues
#
# `queue.Queue` is a thread-safe FIFO: `put`, `get`, and `task_done` / `join` to
# wait until every item is processed. Most threaded programs are simplest as
# producers and consumers linked by queues, with a *sentinel* per consumer to
# tell it to stop.
#
# The tutorial's `pc_queue.py`, in Python 3.11:

# %%
import queue
import threading

SENTINEL = None


def producer(q, n):
    for i in range(n):
        q.put(i)


def consumer(q, out):
    while True:
        item = q.get()
        try:
            if item is SENTINEL:
                return
            out.append(item * item)
        finally:
            q.task_done()


q = queue.Queue()
out = []
workers = [threading.Thread(target=consumer, args=(q, out)) for _ in range(3)]
for w in workers:
    w.start()
producer(q, 10)
q.join()                            # every item processed
for _ in workers:
    q.put(SENTINEL)                 # one sentinel per worker
for w in workers:
    w.join()
print(sorted(out))
