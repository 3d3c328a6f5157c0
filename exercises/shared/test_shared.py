"""Public tests for the shared exercise. Run them with `grader check shared`
(or `pytest` in this folder)."""

from __future__ import annotations

import pytest
import shared

from grader.testing import call_with_deadline

DEADLINE = 10.0  # seconds: a hang fails the test instead of blocking forever

pytestmark = pytest.mark.timeout_s(30)


@pytest.mark.lesson
def test_small_histogram():
    values = [0, 1, 1, 2, 2, 2, 4]
    got = call_with_deadline(shared.parallel_histogram, values, 5, deadline=DEADLINE,
                             what=f"parallel_histogram({values!r}, 5)")
    hint = "\nAll zeros: did the children count into copies of a plain list?" \
        if got and not any(got) else ""
    assert got == [1, 2, 3, 0, 1], f"expected [1, 2, 3, 0, 1], got {got!r}{hint}"


@pytest.mark.lesson
def test_many_values_many_workers():
    values = [i % 3 for i in range(3000)]
    got = call_with_deadline(shared.parallel_histogram, values, 3, deadline=DEADLINE,
                             what="parallel_histogram(<3000 values>, 3, workers=3)", workers=3)
    assert got == [1000, 1000, 1000], f"expected [1000, 1000, 1000], got {got!r}"
