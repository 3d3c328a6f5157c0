# catches: the work done in `__init__` (runs in the main thread)
# fails: test_constructor_does_no_work, test_counts_in_its_own_thread
import threading
import time


class CountdownThread(threading.Thread):
    def __init__(self, count, out, delay=0.0):
        super().__init__()
        for n in range(count, 0, -1):
            out.append((self.name, n))
            time.sleep(delay)

    def run(self):
        pass
