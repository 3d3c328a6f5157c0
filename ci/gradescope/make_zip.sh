#!/usr/bin/env bash
# Builds gradescope-autograder.zip: the course (without solutions, build
# output or virtual environments) plus setup.sh and run_autograder at the top.
# Run from the course's folder; upload the zip as the assignment's autograder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-build/gradescope-autograder.zip}"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
rm -f "$out"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
git ls-files -z | grep -zv -e '^solutions/' -e '^examples/' -e '^tests/' -e '^bench/' \
  | xargs -0 cp --parents -t "$stage"
cp "$here/setup.sh" "$here/run_autograder" "$stage/"
chmod +x "$stage/run_autograder" "$stage/setup.sh"
python3 - "$stage" "$out" <<'PY'
import os, sys, zipfile
stage, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for folder, _, files in os.walk(stage):
        for name in sorted(files):
            path = os.path.join(folder, name)
            z.write(path, os.path.relpath(path, stage))  # files at the top, not a folder
PY
echo "$out"
