"""200 MB printed to stdout at import."""

import sys

_LINE = "x" * 1_000_000 + "\n"
for _ in range(200):
    sys.stdout.write(_LINE)
    sys.stdout.flush()
