# catches: the unused pipe end left open (EOF never comes: hang)
# fails: test_counts_and_adds_up, test_non_numbers_count_but_add_nothing, test_pipe_sum_under_start_method, test_sentinel_like_values_are_data, test_sentinel_like_value_first, test_empty_input, test_many_items_from_a_generator

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable


def _consume(inbox, inbox_writer, reply) -> None:
    """Child: count and add up what arrives on ``inbox`` until end of input."""
    pass  # (forgot to close the write end it does not use)
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
