"""Reference solution: a consumer process reads items from a Pipe until EOF.

Every process closes the pipe ends it does not use, so that when the producer
closes its write end the consumer's recv() raises EOFError: no sentinel value
is needed, so any value (None, 0, "STOP") can be sent as data.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable


def _consume(inbox, inbox_writer, reply) -> None:
    """Child: count and add up what arrives on ``inbox`` until end of input."""
    inbox_writer.close()  # our copy of the write end: keep it and EOF never comes
    count = total = 0
    while True:
        try:
            item = inbox.recv()
        except EOFError:  # every write end is closed: the input is over
            break
        count += 1
        if isinstance(item, int):
            total += item
    inbox.close()
    reply.send((count, total))
    reply.close()


def pipe_sum(items: Iterable[object]) -> tuple[int, int]:
    inbox, inbox_writer = multiprocessing.Pipe(duplex=False)   # (read end, write end)
    answer, reply = multiprocessing.Pipe(duplex=False)
    consumer = multiprocessing.Process(target=_consume, args=(inbox, inbox_writer, reply))
    consumer.start()
    inbox.close()   # the parent only writes items...
    reply.close()   # ...and only reads the answer
    try:
        try:
            for item in items:
                inbox_writer.send(item)
        finally:
            inbox_writer.close()  # end of input: the consumer's recv() raises EOFError
        result = answer.recv()
    finally:
        answer.close()
        consumer.join()
    return result
