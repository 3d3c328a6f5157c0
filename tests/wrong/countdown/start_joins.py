# catches: `start` overridden (start runs the whole countdown before returning)
# fails: test_start_returns_while_the_countdown_runs
import threading
import time


class CountdownThread(threading.Thread):
    def __init__(self, count, out, delay=0.0):
        super().__init__()
        self.count = count
        self.out = out
        self.delay = delay

    def start(self):
        super().start()
        self.join()

    def run(self):
        for n in range(self.count, 0, -1):
            self.out.append((self.name, n))
            time.sleep(self.delay)
