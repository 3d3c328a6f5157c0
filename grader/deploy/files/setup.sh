#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image. The
# autograder zip (written by `grader release`: OUT/gradescope/ASSIGNMENT.zip)
# holds the grader, course.toml and the assignment's exercises and hidden
# tests (never the solutions) at its top, with this file and run_autograder:
# Gradescope unpacks it into /autograder/source.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# The grader needs Python 3.11+; Gradescope's Ubuntu images ship older ones.
PY=""
for candidate in python3.14 python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c \
      'import sys; sys.exit(sys.version_info < (3, 11))'; then
    PY="$candidate"; break
  fi
done
if [ -z "$PY" ]; then
  apt-get install -y -q software-properties-common
  add-apt-repository -y ppa:deadsnakes/ppa
  apt-get update -q
  apt-get install -y -q python3.11 python3.11-venv
  PY=python3.11
fi
apt-get install -y -q "$PY-venv" >/dev/null 2>&1 || apt-get install -y -q python3-venv || true
# bubblewrap sandboxes each run where the image allows it (the grader says so
# in its output, and runs without it where it cannot start)
apt-get install -y -q bubblewrap || true
"$PY" -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet /autograder/source
