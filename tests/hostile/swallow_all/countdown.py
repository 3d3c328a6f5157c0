"""An endless loop that swallows every exception, BaseException included, so
no in-process timeout can stop it; only a kill from outside does."""

import threading


def _forever():
    while True:
        try:
            while True:
                pass
        except BaseException:  # noqa: BLE001
            pass


class CountdownThread(threading.Thread):
    def __init__(self, count, out, delay=0.0):
        _forever()
