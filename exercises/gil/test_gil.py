"""Public tests for the gil exercise. Run them with `grader check gil`
(or `pytest` in this folder)."""

from __future__ import annotations

import functools
import time

import gil
import pytest

from grader.testing import call_with_deadline
from grader.testing.tasks import spin

pytestmark = pytest.mark.timeout_s(60)


def ratio_and_wall(worker, n, mode):
    start = time.perf_counter()
    ratio = call_with_deadline(gil.cpu_parallelism, worker, n, mode, deadline=15,
                               what=f"cpu_parallelism(worker, {n}, {mode!r})")
    return ratio, time.perf_counter() - start


@pytest.mark.cpu_sensitive
def test_threads_about_one_cpu():
    # two threads that each burn 0.3 s of CPU time: the GIL lets one run at a time
    ratio, wall = ratio_and_wall(functools.partial(spin, 0.3), 2, "threads")
    assert isinstance(ratio, float), f"expected a float, got {ratio!r}"
    assert 0.85 * 0.6 / wall <= ratio <= 1.2, (
        f"two CPU-bound threads should use about 1 CPU (the GIL); got {ratio:.3f}"
    )


@pytest.mark.cpu_sensitive
def test_processes_more_than_threads():
    # functools.partial of a top-level function pickles: the processes can run it
    ratio, wall = ratio_and_wall(functools.partial(spin, 0.3), 2, "processes")
    assert isinstance(ratio, float), f"expected a float, got {ratio!r}"
    assert 0.85 * 0.6 / wall <= ratio <= 2.2, (
        f"two CPU-bound processes used 0.6 s of CPU in {wall:.2f} s, so the ratio should be at "
        f"least {0.6 / wall:.2f} (about 2 on an idle 2-core machine) and at most 2; got {ratio:.3f}"
    )
