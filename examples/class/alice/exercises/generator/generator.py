"""Another correct style: rounds over a list of live generators (no deque), a
Scheduler that keeps a current round and a next round."""


def round_robin(gens):
    live = list(enumerate(gens))
    out = []
    while live:
        still_running = []
        for index, gen in live:
            try:
                out.append((index, next(gen)))
            except StopIteration:
                pass
            else:
                still_running.append((index, gen))
        live = still_running
    return out


class Scheduler:
    def __init__(self):
        self.queue = []

    def spawn(self, gen):
        self.queue.append(gen)

    def _step(self, task):
        try:
            task.send(None)
        except StopIteration:
            return False
        return True

    def run(self):
        while self.queue:
            task = self.queue.pop(0)
            if self._step(task):
                self.queue.append(task)
        print("scheduler: all tasks finished")
