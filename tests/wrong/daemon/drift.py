# catches: a drifting loop
# fails: test_does_not_drift
import threading


def start_heartbeat(interval, callback, stop_event=None):
    if stop_event is None:
        stop_event = threading.Event()

    def beat():
        while not stop_event.is_set():
            if stop_event.wait(interval):
                break
            callback()

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    return thread
