# catches: (extra) no lock at all: lost updates
# fails: test_concurrent_incr_and_decr_lose_nothing, test_incr_and_decr_call_add_under_the_lock
"""No lock anywhere: incr() and decr() from several threads lose updates."""


class SafeCounter:
    def __init__(self):
        self._value = 0

    def add(self, n):
        self._value += n

    def incr(self):
        self.add(1)

    def decr(self):
        self.add(-1)

    def add_many(self, values):
        self.add(sum(values))

    def snapshot(self):
        return self._value
