"""Public tests for the rlock exercise: run them with ``grader check rlock``.

With a plain threading.Lock, incr() waits for itself forever: the grader
reports that as a deadlock within a fraction of a second (plain pytest fails
the test after a few seconds). The hidden tests check more: many threads at
once, and that no reader ever sees half a batch.
"""

from rlock import SafeCounter

from grader.testing import call_with_deadline


def test_add_and_snapshot():
    c = SafeCounter()
    call_with_deadline(c.add, 5, what="add(5)")
    call_with_deadline(c.add, -2, what="add(-2)")
    assert call_with_deadline(c.snapshot, what="snapshot()") == 3, (
        "a new counter after add(5) and add(-2) should read 3"
    )


def test_incr_and_decr():
    c = SafeCounter()
    call_with_deadline(c.incr, what="incr() (a plain Lock makes it wait for itself)")
    call_with_deadline(c.incr, what="incr()")
    call_with_deadline(c.decr, what="decr()")
    assert call_with_deadline(c.snapshot, what="snapshot()") == 1, (
        "incr(), incr(), decr() on a new counter should give 1"
    )


def test_add_many():
    c = SafeCounter()
    call_with_deadline(c.add_many, [1, 2, 3, 4], what="add_many([1, 2, 3, 4])")
    assert call_with_deadline(c.snapshot, what="snapshot()") == 10, (
        "add_many([1, 2, 3, 4]) on a new counter should give 10"
    )
