# %% [markdown]
# # Part 9: processes and messages
#
# Processes share no memory, so they cooperate by sending messages: bytes over a
# pipe or a socket, with `pickle` to turn Python objects into bytes and back.
# A message needs framing (a length prefix) so the receiver knows where it ends.

# %%
import pickle
import socket
import struct


def send_msg(sock, obj):
    data = pickle.dumps(obj)
    sock.sendall(struct.pack("!I", len(data)) + data)


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed")
        buf += chunk
    return buf


def recv_msg(sock):
    (size,) = struct.unpack("!I", recv_exact(sock, 4))
    return pickle.loads(recv_exact(sock, size))


a, b = socket.socketpair()
with a, b:
    send_msg(a, {"op": "add", "args": (2, 3)})
    print("received:", recv_msg(b))

# %% [markdown]
# A child process with its standard input and output as the channel
# (`subprocess`), the modern form of the tutorial's `os.popen2`:

# %%
import subprocess
import sys

child = subprocess.run([sys.executable, "-c", "import sys; print(sys.stdin.read().upper())"],
                       input="hello from the parent", capture_output=True, text=True,
                       timeout=30, check=True)
print(child.stdout.strip())
