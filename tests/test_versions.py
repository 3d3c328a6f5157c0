"""The stated support: the versions the grader was tested on, and a warning on the others."""

from __future__ import annotations

import sys

from grader import versions


def test_no_warning_on_a_tested_python(monkeypatch):
    monkeypatch.setattr(sys, "version_info", (3, 13, 1, "final", 0))
    monkeypatch.setattr(sys, "_is_gil_enabled", lambda: True, raising=False)
    assert versions.untested() is None


def test_an_untested_python_is_named(monkeypatch):
    monkeypatch.setattr(sys, "version_info", (3, 15, 0, "alpha", 1))
    monkeypatch.setattr(sys, "_is_gil_enabled", lambda: True, raising=False)
    warning = versions.untested()
    assert warning and "Python 3.15 is not one the grader was tested on" in warning
    assert "3.11, 3.13, 3.14" in warning


def test_a_free_threaded_python_is_named(monkeypatch):
    monkeypatch.setattr(sys, "_is_gil_enabled", lambda: False, raising=False)
    assert "free-threaded" in (versions.untested() or "")


def test_the_readme_states_what_was_tested():
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    assert "3.11, 3.13 and 3.14" in readme
