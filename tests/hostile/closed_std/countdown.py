"""stdout and stderr closed, at the file descriptor and in sys."""

import os
import sys

sys.stdout.close()
sys.stderr.close()
os.close(1)
os.close(2)


class CountdownThread:  # wrong on purpose
    def __init__(self, count, out, delay=0.0):
        pass
