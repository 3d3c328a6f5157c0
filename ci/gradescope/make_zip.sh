#!/usr/bin/env bash
# Builds gradescope-autograder.zip: the course (without solutions, build
# output or virtual environments) plus setup.sh and run_autograder at the top.
# Run from the course's folder; upload the zip as the assignment's autograder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-build/gradescope-autograder.zip}"
mkdir -p "$(dirname "$out")"
rm -f "$out"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
git ls-files -z | grep -zv -e '^solutions/' -e '^examples/' -e '^tests/' -e '^bench/' \
  | xargs -0 cp --parents -t "$stage"
cp "$here/setup.sh" "$here/run_autograder" "$stage/"
chmod +x "$stage/run_autograder" "$stage/setup.sh"
(cd "$stage" && python3 -m zipfile -c "$OLDPWD/$out" .)
echo "$out"
