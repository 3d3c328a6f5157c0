# A correct limiter: a plain Semaphore guarded by its own count of slots held, try/finally wrapper.
import threading
from functools import update_wrapper


class ConcurrencyLimiter:
    def __init__(self, n):
        self._sem = threading.Semaphore(n)
        self._held = 0
        self._lock = threading.Lock()

    def acquire(self, timeout=None):
        if timeout is None:
            ok = self._sem.acquire()
        else:
            ok = self._sem.acquire(True, timeout)
        if ok:
            with self._lock:
                self._held += 1
        return ok

    def release(self):
        with self._lock:
            if self._held == 0:
                raise ValueError("more releases than acquires")
            self._held -= 1
        self._sem.release()

    def __enter__(self):
        self.acquire()

    def __exit__(self, exc_type, exc_value, traceback):
        self.release()

    def __call__(self, fn):
        def wrapper(*args, **kwargs):
            self.acquire()
            try:
                return fn(*args, **kwargs)
            finally:
                self.release()
        return update_wrapper(wrapper, fn)
