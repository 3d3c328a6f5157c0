# catches: the unused pipe end left open (EOF never comes: hang)
# fails: test_pipe_sum_under_start_method, test_counts_and_adds_up, test_non_numbers_count_but_add_nothing, test_sentinel_like_values_are_data, test_sentinel_like_value_first, test_empty_input, test_many_items_from_a_generator
# Only the read end is passed to the child, which never closes the write end it
# inherits under fork (the default here): passes under spawn and forkserver only.
from __future__ import annotations

import multiprocessing


def _consume(inbox, reply) -> None:
    count = total = 0
    while True:
        try:
            item = inbox.recv()
        except EOFError:
            break
        count += 1
        if isinstance(item, int):
            total += item
    reply.send((count, total))


def pipe_sum(items):
    inbox, inbox_writer = multiprocessing.Pipe(duplex=False)
    answer, reply = multiprocessing.Pipe(duplex=False)
    consumer = multiprocessing.Process(target=_consume, args=(inbox, reply))
    consumer.start()
    inbox.close()
    for item in items:
        inbox_writer.send(item)
    inbox_writer.close()
    result = answer.recv()
    consumer.join()
    return result
