"""Public tests for the switch exercise. Run them with `grader check switch`
(or `pytest` in this folder)."""

from __future__ import annotations

import functools
import sys

import pytest
import switch

from grader.testing import call_with_deadline
from grader.testing.tasks import spin


@pytest.fixture(autouse=True)
def keep_interval():
    old = sys.getswitchinterval()
    yield old
    sys.setswitchinterval(old)


def test_set_and_restored():
    before = sys.getswitchinterval()
    with switch.switch_interval(0.02):
        inside = sys.getswitchinterval()
    assert inside == pytest.approx(0.02, rel=1e-3), f"inside the block: {inside}, expected 0.02"
    assert sys.getswitchinterval() == pytest.approx(before, rel=1e-3), (
        "after the block the previous interval should be back"
    )


def test_zero_is_rejected():
    with pytest.raises(ValueError):
        with switch.switch_interval(0):
            pass


@pytest.mark.cpu_sensitive
def test_gap_of_a_cpu_bound_work():
    sys.setswitchinterval(0.05)  # a CPU-bound thread keeps the GIL up to 50 ms
    gap = call_with_deadline(switch.max_heartbeat_gap, functools.partial(spin, 0.15),
                             deadline=10, what="max_heartbeat_gap(spin)")
    assert 0.025 <= gap <= 1.0, (
        f"with a 50 ms switch interval, a CPU-bound work() should leave the heartbeat "
        f"without the GIL for about 50 ms; the longest gap was {gap * 1000:.1f} ms"
    )
