"""Task functions for the queue_mp exercise's tests (importable by name, so
they pickle under every start method)."""

from __future__ import annotations

import time

SEND_DELAY = 0.2  # seconds that pickling one SlowToSend takes


def _plain_int(value: int) -> int:
    return value


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
        return _plain_int, (int(self),)


def slow_to_send(x: int) -> int:
    """``x * x``, as a result that takes a while to travel back."""
    return SlowToSend(x * x)


def echo_after(job: tuple[float, object]) -> object:
    """``job = (seconds, value)``: sleep ``seconds``, return ``value``, so that
    tasks finish in another order than they were given."""
    seconds, value = job
    time.sleep(seconds)
    return value
