"""Same class, same gradebook, however busy the machine: the sample class
graded once alone, then N times at once beside H CPU hogs; every grading's
scores and test statuses are compared with the lone one.

    python bench/together.py              # 3 gradings at once beside 2 CPU hogs
    python bench/together.py --gradings 2 --hogs 1

Prints each grading's time and differences; exit 1 if any grading differs.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hogs import beside  # noqa: E402
from verdicts import compare  # noqa: E402


def grading(out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(ROOT / "bench" / "verdicts.py"), "--class-only",
                             "--out", str(out)], stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gradings", type=int, default=3)
    parser.add_argument("--hogs", type=int, default=2)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    with tempfile.TemporaryDirectory(prefix="together-") as scratch:
        folder = Path(scratch)
        start = time.monotonic()
        if grading(folder / "alone.json").wait() != 0:
            print("the lone grading failed")
            return 1
        alone = time.monotonic() - start
        print(f"alone: {alone:.0f} s", flush=True)
        with beside(["cpu"] * args.hogs):
            start = time.monotonic()
            runs = [grading(folder / f"together-{i}.json") for i in range(args.gradings)]
            codes = [run.wait() for run in runs]
            together = time.monotonic() - start
        base = json.loads((folder / "alone.json").read_text())
        differing = 0
        for i, code in enumerate(codes):
            if code != 0:
                print(f"grading {i + 1}: failed (exit {code})")
                differing += 1
                continue
            differences = compare(base, json.loads((folder / f"together-{i}.json").read_text()))
            differing += bool(differences)
            print(f"grading {i + 1}: {len(differences)} difference(s) from the lone grading")
            for line in differences:
                print(f"    {line}")
    print(f"{args.gradings} gradings at once beside {args.hogs} CPU hog(s) took "
          f"{together:.0f} s ({together / alone:.1f}x the lone grading); "
          f"{differing} differ from it")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
