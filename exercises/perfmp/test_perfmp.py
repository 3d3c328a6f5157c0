"""Public tests for the perfmp exercise. Run them with `grader check perfmp`
(or `pytest` in this folder)."""

from __future__ import annotations

import perfmp
import pytest

from grader.testing import call_with_deadline


def test_nothing_to_add():
    got = call_with_deadline(perfmp.parallel_sum_of_squares, 0, 2, deadline=20,
                             what="parallel_sum_of_squares(0, 2)")
    assert got == 0, f"the sum over an empty range is 0, got {got}"


@pytest.mark.lesson
def test_parallel_sum_small():
    got = call_with_deadline(perfmp.parallel_sum_of_squares, 10, 2, deadline=20,
                             what="parallel_sum_of_squares(10, 2)")
    assert got == sum(i * i for i in range(10)) == 285, f"got {got}"


@pytest.mark.lesson
def test_parallel_sum_uneven_chunks():
    got = call_with_deadline(perfmp.parallel_sum_of_squares, 1000, 3, deadline=20,
                             what="parallel_sum_of_squares(1000, 3)")
    assert got == sum(i * i for i in range(1000)), f"got {got}"
