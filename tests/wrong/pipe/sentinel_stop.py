# catches: a sentinel value that can occur in the data
# fails: test_sentinel_like_values_are_data, test_sentinel_like_value_first
from __future__ import annotations

import multiprocessing

END = "STOP"  # "no real item will ever be this"


def _consume(conn) -> None:
    count = total = 0
    while True:
        item = conn.recv()
        if item == END:
            break
        count += 1
        if isinstance(item, int):
            total += item
    conn.send((count, total))


def pipe_sum(items):
    here, there = multiprocessing.Pipe()
    consumer = multiprocessing.Process(target=_consume, args=(there,))
    consumer.start()
    for item in items:
        here.send(item)
    here.send(END)
    result = here.recv()
    consumer.join()
    return result
