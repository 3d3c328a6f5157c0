"""One seed, one interleaving: the threads of an ``inject_switches`` block take
turns (grader.diagnostics.turns), so a racy answer loses the same updates and
gets the same message in every run with the same seed, on a busy machine too."""

from __future__ import annotations

import re

from conftest import ROOT

from grader.runner.run import RunSpec, run_tests

RACE = ROOT / "exercises" / "race"
TEST = "test_race.py::test_no_lost_updates_with_forced_switches"


def _message(seed: int) -> str:
    outcome = run_tests(RunSpec(files={"race.py": RACE / "race.py"},  # the racy stub
                                tests=[RACE / "test_race.py"], test_timeout=30, timeout=120,
                                seed=seed, exercise="race", select=[TEST]))
    verdict = outcome.tests[TEST]
    assert verdict.status == "race", verdict.message
    return verdict.message


def test_the_same_seed_gives_the_same_lost_updates_and_message_ten_times():
    messages = {_message(0) for _ in range(10)}
    assert len(messages) == 1, "\n---\n".join(messages)
    message = messages.pop()
    assert re.search(r"\d+ updates were lost", message)
    assert "read `_value` at line" in message  # the first lost update, by thread and line
    seeds = set(re.findall(r"seed (\d+)", message))
    assert seeds == {"0"}, seeds  # one seed, the one that replays it


def test_another_seed_gives_another_interleaving():
    assert _message(0) != _message(1)
