# catches: no `Thread.__init__`/`super().__init__()` call
# fails: test_thread_init_is_called, test_counts_down_from_count_to_one, test_counts_in_its_own_thread
import threading
import time


class CountdownThread(threading.Thread):
    def __init__(self, count, out, delay=0.0):
        self.count = count
        self.out = out
        self.delay = delay

    def run(self):
        for n in range(self.count, 0, -1):
            self.out.append((self.name, n))
            time.sleep(self.delay)
