# catches: a serial loop (no worker threads run func at once)
# fails: test_several_workers_run_func
def parallel_map_threads(func, items, n_workers=4):
    return [func(x) for x in items]
