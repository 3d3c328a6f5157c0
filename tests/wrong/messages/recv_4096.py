# catches: `pickle.loads(sock.recv(4096))` (breaks on short reads and on two messages in one read)
# fails: test_big_message, test_one_byte_per_recv, test_two_messages_in_one_read, test_several_messages_in_order
from __future__ import annotations

import pickle


def send_msg(sock, obj):
    sock.sendall(pickle.dumps(obj))


def recv_msg(sock):
    return pickle.loads(sock.recv(4096))
