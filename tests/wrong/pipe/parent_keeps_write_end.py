# catches: the unused pipe end left open (EOF never comes: hang)
# fails: test_counts_and_adds_up, test_non_numbers_count_but_add_nothing, test_pipe_sum_under_start_method, test_sentinel_like_values_are_data, test_sentinel_like_value_first, test_empty_input, test_many_items_from_a_generator
from __future__ import annotations

import multiprocessing


def _consume(inbox, inbox_writer, reply) -> None:
    inbox_writer.close()
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
    consumer = multiprocessing.Process(target=_consume, args=(inbox, inbox_writer, reply))
    consumer.start()
    for item in items:
        inbox_writer.send(item)
    result = answer.recv()      # waits for the answer before closing the write end
    inbox_writer.close()
    consumer.join()
    return result
