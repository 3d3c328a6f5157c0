"""The bubblewrap sandbox: no network, only the scratch folder writable, the
course folder (hidden tests, solutions) not there at all."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from grader.runner import procs, sandbox

pytestmark = pytest.mark.skipif(not sandbox.available(), reason="bubblewrap is not available")

PROBE = """
import os, socket, sys
checks = {}
try:
    socket.create_connection(("1.1.1.1", 53), timeout=3)
    checks["network"] = True
except OSError:
    checks["network"] = False
checks["hidden"] = os.path.exists(sys.argv[1])
checks["solutions"] = os.path.exists(sys.argv[2])
try:
    open("/usr/grader-was-here", "w")
    checks["write_usr"] = True
except OSError:
    checks["write_usr"] = False
with open("scratch.txt", "w") as f:
    f.write("ok")
checks["pid"] = os.getpid()
print(checks)
"""


def test_sandbox_has_no_network_and_only_its_scratch_folder(tmp_path):
    procs.become_subreaper()
    baseline = procs.own_children()
    run = subprocess.run(
        [*sandbox.prefix(tmp_path, tmp_path), sys.executable, "-c", PROBE,
         str(ROOT / "hidden"), str(ROOT / "solutions")],
        capture_output=True, text=True, timeout=60)
    procs.reap_adopted(baseline)
    assert run.returncode == 0, run.stderr
    checks = eval(run.stdout)  # noqa: S307 - our own probe's dict
    assert checks["network"] is False
    assert checks["hidden"] is False and checks["solutions"] is False
    assert checks["write_usr"] is False
    assert checks["pid"] < 10  # its own PID namespace
    assert (tmp_path / "scratch.txt").read_text() == "ok"


def test_the_cli_says_once_what_it_falls_back_to(tmp_path):
    shutil.copytree(ROOT / "solutions" / "countdown", tmp_path / "work")
    run = subprocess.run([sys.executable, "-m", "grader", "check", "countdown", "--path",
                          str(tmp_path / "work"), "--no-sandbox"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0
    assert run.stderr.count("network") == 1 and "--no-sandbox" in run.stderr
