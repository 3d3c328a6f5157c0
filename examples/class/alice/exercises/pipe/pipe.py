"""Correct, another style: no reliance on EOF. Every message is framed as a
tuple, ("item", x) for data and ("end",) at the end, so no data value can be
mistaken for the end. One duplex pipe carries the items there and the answer
back; the consumer is a Process subclass with a context-managed connection."""

from __future__ import annotations

import multiprocessing


class Consumer(multiprocessing.Process):
    def __init__(self, conn) -> None:
        super().__init__()
        self.conn = conn

    def run(self) -> None:
        count = total = 0
        with self.conn:
            while (message := self.conn.recv())[0] == "item":
                count += 1
                if isinstance(message[1], int):
                    total += message[1]
            self.conn.send((count, total))


def pipe_sum(items):
    mine, theirs = multiprocessing.Pipe()
    consumer = Consumer(theirs)
    consumer.start()
    theirs.close()
    with mine:
        for item in items:
            mine.send(("item", item))
        mine.send(("end",))
        answer = mine.recv()
    consumer.join()
    return answer
