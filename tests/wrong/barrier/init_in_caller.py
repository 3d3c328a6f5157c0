# catches: `init` run in the caller's thread (start_workers does not return while init runs)
# fails: test_init_runs_once_in_its_own_thread, test_no_work_before_init_returns
"""init() called directly: correct order, but not in its own thread."""

import threading


def start_workers(n, init, work):
    init()
    workers = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in workers:
        t.start()
    return workers
