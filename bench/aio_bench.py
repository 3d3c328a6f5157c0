"""What the asyncio watch buys, measured in one run (part 12):

- the await-point race of `abank`'s lock-less wrong answer (a check-then-act
  across `await self.audit(...)`) caught in N of N seeded runs with injected
  await points (`grader.testing.aio.await_points`), against N plain repetitions
  with an audit that completes without suspending (how the race hides);
- time to verdict for a task stall and for an asyncio-lock deadlock (`crawl`'s
  missing `task_done`, `abank`'s opposite lock orders) against the deadline the
  test gave (`run_async(timeout=...)`) and the per-test time limit;
- time to verdict for a blocked loop (`abank`'s `threading.Lock`) the same way.

    python bench/aio_bench.py [--runs 50]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.course import load_course  # noqa: E402
from grader.testing import DeadlineExceeded  # noqa: E402
from grader.testing.aio import Diagnosed, await_points, run_async  # noqa: E402

WRONG = ROOT / "tests" / "wrong"
DEADLINE = 5.0  # what the hidden tests give run_async


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{path.parent.name}_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def quiet_audit(op: str, amount: int) -> None:
    """An audit that never suspends: nothing can run between check and act."""


def overdrawn(abank: ModuleType, seed: int | None) -> bool:
    account = abank.Account(100)
    account.audit = quiet_audit if seed is None else await_points(quiet_audit, seed=seed)

    async def withdrawals() -> None:
        await asyncio.gather(*(account.withdraw(30) for _ in range(4)))

    run_async(withdrawals, timeout=DEADLINE)
    return account.balance < 0


def time_to_verdict(make, what: str) -> tuple[str, float]:
    start = time.monotonic()
    try:
        run_async(make, timeout=DEADLINE, what=what)
        kind = "no verdict"
    except Diagnosed as exc:
        kind = str(exc.diagnosis.kind)
    except DeadlineExceeded:
        kind = "timeout"
    return kind, time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    limit = load_course(ROOT).exercises["abank"].test_timeout
    abank = load(WRONG / "abank" / "no_lock.py")
    caught = sum(overdrawn(abank, seed) for seed in range(args.runs))
    plain = sum(overdrawn(abank, None) for _ in range(args.runs))
    print(f"await-point race (abank/no_lock): caught in {caught} of {args.runs} seeded runs; "
          f"without the injected await points: {plain} of {args.runs}")

    opposite = load(WRONG / "abank" / "opposite_lock_order.py")
    blocking = load(WRONG / "abank" / "threading_lock.py")
    crawl = load(WRONG / "crawl" / "missing_task_done.py")

    async def both_ways() -> None:
        """transfer(a, b) and transfer(b, a), both let go at once (as the hidden
        test does): each takes its first lock before either asks for its second."""
        a, b = opposite.Account(100), opposite.Account(100)
        await a.lock.acquire()
        await b.lock.acquire()
        tasks = [asyncio.create_task(opposite.transfer(a, b, 10)),
                 asyncio.create_task(opposite.transfer(b, a, 10))]
        await asyncio.sleep(0)
        a.lock.release()
        b.lock.release()
        await asyncio.gather(*tasks)

    async def two_withdrawals() -> None:
        account = blocking.Account(100)
        await asyncio.gather(account.withdraw(10), account.withdraw(10))

    def graph(page: str) -> list[str]:
        return {"a": ["b", "c"], "b": ["c"], "c": ["a"]}.get(page, [])

    async def links(page: str) -> list[str]:
        await asyncio.sleep(0)
        return graph(page)

    cases = [
        ("task stall (crawl/missing_task_done)", lambda: crawl.crawl("a", links, workers=2)),
        ("deadlock (abank/opposite_lock_order)", both_ways),
        ("blocked loop (abank/threading_lock)", two_withdrawals),
    ]
    print(f"\n{'verdict':<42} {'kind':<14} {'seconds':>8} {'/deadline':>10} {'/limit':>8}")
    for label, make in cases:
        kind, seconds = time_to_verdict(make, label)
        print(f"{label:<42} {kind:<14} {seconds:8.2f} {seconds / DEADLINE:9.2f}x "
              f"{seconds / limit:7.2f}x")
    print(f"(deadline: run_async's {DEADLINE:g} s in the hidden tests; limit: the per-test "
          f"{limit:g} s a plain timeout would cost)")
    return 0 if caught == args.runs and plain == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
