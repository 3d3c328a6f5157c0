# catches: counting the wrong range
# fails: test_counts_down_from_count_to_one, test_count_zero_appends_nothing
import threading
import time


class CountdownThread(threading.Thread):
    def __init__(self, count, out, delay=0.0):
        super().__init__()
        self.count = count
        self.out = out
        self.delay = delay

    def run(self):
        n = self.count
        while n >= 0:
            self.out.append((self.name, n))
            n -= 1
            time.sleep(self.delay)
