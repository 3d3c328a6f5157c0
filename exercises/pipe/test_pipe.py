"""Public tests for the pipe exercise. Run them with `grader check pipe`
(or `pytest` in this folder)."""

from __future__ import annotations

import pipe
import pytest

from grader.testing import call_with_deadline

DEADLINE = 3.0  # seconds: a hang (EOF never comes) fails the test instead of blocking forever

pytestmark = pytest.mark.timeout_s(30)


@pytest.mark.lesson
def test_counts_and_adds_up():
    items = [10, 20, 30, 40]
    result = call_with_deadline(pipe.pipe_sum, items, deadline=DEADLINE,
                                what="pipe_sum([10, 20, 30, 40])")
    assert result == (4, 100), f"expected (count, total) = (4, 100), got {result!r}"


@pytest.mark.lesson
def test_non_numbers_count_but_add_nothing():
    items = [5, "hello", 7, None]
    result = call_with_deadline(pipe.pipe_sum, items, deadline=DEADLINE,
                                what=f"pipe_sum({items!r})")
    assert result == (4, 12), (
        f"expected (4, 12): four items, and only the ints 5 and 7 are added; got {result!r}")
