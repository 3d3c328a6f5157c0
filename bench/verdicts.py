"""The grader's verdicts, as data to compare: the sample class and every
wrong-answer fixture of tests/wrong/, graded the way a class is graded, each
exercise's score and every test's status written to one JSON file.

    python bench/verdicts.py --out before.json      # before a change
    python bench/verdicts.py --out after.json --compare before.json

``--compare`` prints every exercise whose score or test statuses differ, and
exits 1 if any does: a refactoring changes no verdict.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.batch import ClassGrading  # noqa: E402
from grader.course import Course, load_course  # noqa: E402
from grader.discover import Submission, find_submissions  # noqa: E402
from grader.grade import Options  # noqa: E402

WRONG = ROOT / "tests" / "wrong"
CLASS = ROOT / "examples" / "class"


def summary(results: list) -> dict[str, dict]:
    return {r.student: {slug: {"score": ex.score, "status": str(ex.status),
                               "tests": {t.name: str(t.status) for t in ex.tests},
                               "why": {t.name: t.message for t in ex.tests
                                       if str(t.status) != "passed"}}
                        for slug, ex in r.exercises.items() if str(ex.status) != "missing"}
            for r in results}


def wrong_class(course: Course, into: Path) -> dict[str, list[Submission]]:
    """slug -> one submission per wrong answer of that exercise."""
    found: dict[str, list[Submission]] = {}
    for folder in sorted(p for p in WRONG.iterdir() if p.is_dir() and p.name in course.exercises):
        exercise = course.exercises[folder.name]
        for case in sorted(folder.iterdir()):
            if case.name.startswith((".", "_")) or case.suffix not in (".py", ""):
                continue
            student = into / f"{folder.name}--{case.stem}"
            student.mkdir(parents=True)
            if case.is_dir():
                for name in exercise.files:
                    shutil.copy(case / name, student / name)
            else:
                shutil.copy(case, student / exercise.files[0])
            found.setdefault(folder.name, []).append(Submission(student.name, student))
    return found


def grade_all(course: Course, jobs: int, class_only: bool = False) -> dict[str, dict]:
    options = Options(sandbox=False)
    with tempfile.TemporaryDirectory(prefix="verdicts-") as scratch:
        out = Path(scratch) / "out"
        graded = ClassGrading(course, find_submissions(CLASS), list(course.exercises.values()),
                              options, out / "class", jobs=jobs)
        data = {"class": summary(graded.run())}
        if class_only:
            return data
        wrong: dict[str, dict] = {}
        for slug, submissions in wrong_class(course, Path(scratch) / "wrong").items():
            grading = ClassGrading(course, submissions, [course.exercises[slug]], options,
                                   out / slug, jobs=jobs)
            wrong.update(summary(grading.run()))
        data["wrong"] = wrong
    return data


def compare(old: dict, new: dict) -> list[str]:
    differences = []
    for group in ("class", "wrong"):
        for student in sorted(set(old.get(group, {})) | set(new.get(group, {}))):
            a, b = old.get(group, {}).get(student, {}), new.get(group, {}).get(student, {})
            for slug in sorted(set(a) | set(b)):
                x, y = a.get(slug), b.get(slug)
                if verdict(x) != verdict(y):
                    differences.append(f"{group} {student} {slug}: {describe(x)} -> "
                                       f"{describe(y)}{reasons(x, y)}")
    return differences


def verdict(entry: dict | None) -> dict | None:
    """What must not change between gradings: scores and statuses, not the words."""
    return None if entry is None else {k: v for k, v in entry.items() if k != "why"}


def reasons(old: dict | None, new: dict | None) -> str:
    """The messages of tests that failed in only one of the two gradings."""
    a, b = (old or {}).get("why", {}), (new or {}).get("why", {})
    return "".join(f"\n      {name.split('::')[-1]}: {(a[name] if name in a else b[name])[:600]}"
                   for name in sorted(set(a) ^ set(b)))


def describe(entry: dict | None) -> str:
    if entry is None:
        return "absent"
    odd = {name.split("::")[-1]: s for name, s in entry["tests"].items() if s != "passed"}
    return f"{entry['score']:g} {entry['status']} {odd}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="the JSON file to write")
    parser.add_argument("--compare", help="a JSON file written before, to compare with")
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--class-only", action="store_true",
                        help="the sample class only, not the wrong answers")
    args = parser.parse_args()
    start = time.monotonic()
    data = grade_all(load_course(ROOT), args.jobs, args.class_only)
    Path(args.out).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    cases = sum(len(v) for v in data.get("wrong", {}).values()) + sum(len(v) for v in
                                                               data["class"].values())
    print(f"{cases} graded exercises written to {args.out} in {time.monotonic() - start:.0f} s")
    if args.compare:
        differences = compare(json.loads(Path(args.compare).read_text()), data)
        for line in differences:
            print(line)
        print(f"{len(differences)} difference(s) from {args.compare}")
        return 1 if differences else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
