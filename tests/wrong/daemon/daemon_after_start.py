# catches: daemon set after `start`
# fails: test_returns_a_started_daemon_thread, test_daemon_set_before_start_without_set_daemon, test_program_exits_while_the_heartbeat_runs
import threading
import time


def start_heartbeat(interval, callback, stop_event=None):
    if stop_event is None:
        stop_event = threading.Event()

    def beat():
        next_beat = time.monotonic() + interval
        while not stop_event.wait(max(0.0, next_beat - time.monotonic())):
            callback()
            next_beat += interval

    thread = threading.Thread(target=beat)
    thread.start()
    thread.daemon = True
    return thread
