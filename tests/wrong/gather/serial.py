# catches: awaiting one after another (intervals never overlap)
# fails: test_all_fetches_in_flight_at_once, test_limit_caps_fetches_in_flight, test_limit_with_many_keys, test_loop_never_blocked, test_fetches_run_at_once, test_limit_is_respected
# kind: serial
"""Correct results, in order, and errors pass straight through: but each fetch
is awaited before the next one starts, so nothing ever runs at once."""

import asyncio  # noqa: F401


async def fetch_all(keys, fetch, limit=None):
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1")
    results = []
    for key in keys:
        results.append(await fetch(key))
    return results
