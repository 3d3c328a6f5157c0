#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image. The
# autograder zip holds this course (grader/, course.toml, exercises/,
# hidden/, ...) at its top, with this file and run_autograder copied there
# too: Gradescope unpacks the zip into /autograder/source.
# Build the zip with:  ci/gradescope/make_zip.sh  (from the course's folder)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# The grader needs Python 3.11+; Gradescope's Ubuntu images ship older ones.
if ! command -v python3.11 >/dev/null 2>&1; then
  apt-get install -y -q software-properties-common
  add-apt-repository -y ppa:deadsnakes/ppa || true
  apt-get update -q
  apt-get install -y -q python3.11 python3.11-venv
fi
python3.11 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet /autograder/source
