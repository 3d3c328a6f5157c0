# catches: counting the wrong range (counting up)
# fails: test_counts_down_from_count_to_one
import threading
import time


class CountdownThread(threading.Thread):
    def __init__(self, count, out, delay=0.0):
        super().__init__()
        self.count = count
        self.out = out
        self.delay = delay

    def run(self):
        for n in range(1, self.count + 1):
            self.out.append((self.name, n))
            time.sleep(self.delay)
