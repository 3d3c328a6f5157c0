"""The warm server: a forked run is as isolated as a cold one, and cheaper."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from grader.course import Limits
from grader.runner.launch import Warm
from grader.runner.run import RunSpec, run_tests

WARM = FIXTURES / "warm"


def spec(*tests: str) -> RunSpec:
    return RunSpec(files={"mod.py": WARM / "mod.py"}, tests=[WARM / t for t in tests],
                   test_timeout=60, timeout=120, limits=Limits(open_files=77))


@pytest.fixture
def launcher():
    launcher = Warm()
    yield launcher
    launcher.close()


def test_each_forked_run_is_fresh_instrumented_and_in_its_own_session(launcher):
    server = launcher.server
    for _ in range(2):  # the second run sees none of the first one's module state
        outcome = run_tests(spec("test_mod.py"), launcher=launcher)
        assert {n: t.status for n, t in outcome.tests.items()} == {
            t.nodeid: "passed" for t in outcome.collected}, outcome.tests
        assert len(outcome.tests) == 4
    assert server is not None and server.alive()
    assert launcher.server is server  # one server served both runs


def test_a_run_that_kills_the_server_is_graded_and_the_next_run_gets_a_new_one(launcher):
    server = launcher.server
    outcome = run_tests(spec("test_kill_parent.py"), launcher=launcher)
    assert "test_kill_parent.py::test_kill_the_parent" in outcome.tests
    after = run_tests(spec("test_mod.py"), launcher=launcher)
    assert all(t.status == "passed" for t in after.tests.values()) and len(after.tests) == 4
    assert launcher.server is not server and launcher.server.alive()
