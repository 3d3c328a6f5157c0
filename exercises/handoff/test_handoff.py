"""Public tests for Handoff. Run them with `grader check handoff`.

The hidden tests check more: a producer that submits while the server is busy,
many producers at once, a submission made before the server starts, and
busy-waiting.
"""

import threading

import pytest
from handoff import Handoff

from grader.testing import call_with_deadline


def start_server(box, handler):
    threading.Thread(target=box.serve, args=(handler,), daemon=True).start()


def test_submit_returns_the_result():
    box = Handoff()
    start_server(box, lambda x: x * 10)
    assert call_with_deadline(box.submit, 4, what="submit(4)") == 40


def test_two_submissions_in_a_row():
    box = Handoff()
    start_server(box, lambda x: x.upper())
    assert call_with_deadline(box.submit, "one", what="submit('one')") == "ONE"
    assert call_with_deadline(box.submit, "two", what="submit('two')") == "TWO", (
        "the second submit must return the result of its own item, not the first one's"
    )


def test_timeout_without_a_server():
    box = Handoff()
    with pytest.raises(TimeoutError):
        call_with_deadline(box.submit, "x", timeout=0.05, what="submit('x', timeout=0.05)")
