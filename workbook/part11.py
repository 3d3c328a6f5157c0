# %% [markdown]
# # Part 11: alternatives to threads and processes
#
# Generators can act as cooperative tasks: each `yield` hands control back to a
# scheduler, which runs the next task. No locks are needed, because a task is
# never interrupted between two yields. This is the idea behind `asyncio`.

# %%
from collections import deque


def countdown(name, n):
    while n > 0:
        print(f"{name}: {n}")
        yield
        n -= 1


def run(tasks):
    ready = deque(tasks)
    while ready:
        task = ready.popleft()
        try:
            next(task)
            ready.append(task)
        except StopIteration:
            pass


run([countdown("A", 3), countdown("B", 2)])

# %% [markdown]
# Event-driven I/O: one thread waits on many sockets at once with `selectors`
# (the tutorial used `asyncore`, removed in Python 3.12).

# %%
import selectors
import socket

sel = selectors.DefaultSelector()
client, server_side = socket.socketpair()
server_side.setblocking(False)
sel.register(server_side, selectors.EVENT_READ)
client.sendall(b"ping")
for key, _ in sel.select(timeout=5):
    data = key.fileobj.recv(1024)
    key.fileobj.sendall(data.upper())
print("reply:", client.recv(1024))
sel.unregister(server_side)
for s in (client, server_side):
    s.close()
sel.close()
