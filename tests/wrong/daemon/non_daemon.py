# catches: a non-daemon thread (the program never exits)
# fails: test_returns_a_started_daemon_thread, test_program_exits_while_the_heartbeat_runs, test_daemon_set_before_start_without_set_daemon
import threading
import time


def start_heartbeat(interval, callback, stop_event=None):
    stop_event = stop_event or threading.Event()

    def beat():
        next_beat = time.monotonic() + interval
        while not stop_event.wait(max(0.0, next_beat - time.monotonic())):
            callback()
            next_beat += interval

    thread = threading.Thread(target=beat)
    thread.start()
    return thread
