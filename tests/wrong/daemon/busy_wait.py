# catches: a busy-waiting loop
# fails: test_does_not_busy_wait_between_beats
import threading
import time


def start_heartbeat(interval, callback, stop_event=None):
    if stop_event is None:
        stop_event = threading.Event()

    def beat():
        next_beat = time.monotonic() + interval
        while not stop_event.is_set():
            if time.monotonic() >= next_beat:
                callback()
                next_beat += interval

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    return thread
