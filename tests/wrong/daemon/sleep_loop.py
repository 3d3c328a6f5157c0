# catches: time.sleep between beats (a stop waits for the next beat)
# fails: test_stops_promptly_without_waiting_for_the_next_beat
import threading
import time


def start_heartbeat(interval, callback, stop_event=None):
    if stop_event is None:
        stop_event = threading.Event()

    def beat():
        next_beat = time.monotonic() + interval
        while True:
            time.sleep(max(0.0, next_beat - time.monotonic()))
            if stop_event.is_set():
                return
            callback()
            next_beat += interval

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    return thread
