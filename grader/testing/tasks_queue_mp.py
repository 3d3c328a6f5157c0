"""Task functions for the queue_mp exercise's tests (importable by name, so
they pickle under every start method)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import queues

from grader.testing.starts import children_waiting

SEND_DELAY = 0.2  # seconds that pickling one SlowToSend takes


def _plain(value: object) -> object:
    return value


@contextmanager
def worst_queue_timing() -> Iterator[None]:
    """Inside the block, the ``multiprocessing`` queues of this process show the
    worst timing they allow, every time instead of now and then:

    - a queue sends nothing until every worker started so far has ended or
      waits for work (``q.put(x)`` returns at once; the queue's feeder thread
      sends ``x`` later), so a worker that stops when ``tasks.empty()`` is True
      always finds the queue empty, and quits with the work undone;
    - ``q.empty()`` in this process is True until ``get()`` takes the item (as
      when the item is still on its way), so a loop that collects results
      ``while not results.empty()`` always comes back with none.

    A worker that blocks in ``get()`` until its sentinel, and a parent that
    calls ``get()`` once per result, do not notice either.
    """
    original_feed, original_empty = queues.Queue._feed, queues.Queue.empty
    me = os.getpid()

    def feed(*args: object, **kwargs: object) -> None:
        if os.getpid() == me:  # not in a forked worker, which inherits the patch
            children_waiting()
        original_feed(*args, **kwargs)

    def empty(self: queues.Queue) -> bool:
        return True if os.getpid() == me else original_empty(self)

    queues.Queue._feed = staticmethod(feed)  # type: ignore[assignment]
    queues.Queue.empty = empty  # type: ignore[method-assign]
    try:
        yield
    finally:
        queues.Queue._feed = staticmethod(original_feed)  # type: ignore[assignment]
        queues.Queue.empty = original_empty  # type: ignore[method-assign]


class SlowToSend(int):
    """An int that takes SEND_DELAY seconds to pickle, and arrives as a plain int.

    A worker's ``results.put(x)`` returns at once; the queue's feeder thread
    pickles ``x`` later and only then writes it into the pipe. So after the
    worker's ``task_done()`` (and the parent's ``join()``), this result is
    still on its way for SEND_DELAY seconds: ``results.empty()`` is True
    although a result is coming, and code that polls empty() loses it.
    """

    def __reduce__(self):
        time.sleep(SEND_DELAY)
        return _plain, (int(self),)


def slow_to_send(x: int) -> int:
    """``x * x``, as a result that takes a while to travel back."""
    return SlowToSend(x * x)


def echo_after(job: tuple[float, object]) -> object:
    """``job = (seconds, value)``: sleep ``seconds``, return ``value``, so that
    tasks finish in another order than they were given."""
    seconds, value = job
    time.sleep(seconds)
    return value
