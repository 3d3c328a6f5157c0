"""course.toml: the course as data. Loading checks every key and reports the
first problem in one line that names the key, never a traceback."""

from __future__ import annotations

import datetime
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

COURSE_FILE = "course.toml"


class CourseError(Exception):
    """course.toml is missing or malformed; the message says what to fix."""


@dataclass(frozen=True)
class Limits:
    """Per-run resource limits."""

    memory_mb: int = 4096
    cpu_seconds: int = 300
    file_size_mb: int = 64
    open_files: int = 1024
    output_kb: int = 64
    processes: int = 512  # processes and threads of a run at once (a pids cgroup, or counted)


@dataclass(frozen=True)
class Exercise:
    """One exercise: its entry in course.toml and where its files are."""

    slug: str
    title: str
    part: int
    files: tuple[str, ...]
    points: float
    timeout: float  # the whole run of the exercise's tests
    test_timeout: float  # each test
    root: Path
    limits: Limits = field(default_factory=Limits)

    @property
    def exercise_dir(self) -> Path:
        return self.root / "exercises" / self.slug

    @property
    def hidden_dir(self) -> Path:
        return self.root / "hidden" / self.slug

    @property
    def solution_dir(self) -> Path:
        return self.root / "solutions" / self.slug

    @property
    def public_tests(self) -> list[Path]:
        return sorted(self.exercise_dir.glob("test_*.py"))

    @property
    def hidden_tests(self) -> list[Path]:
        return sorted(self.hidden_dir.glob("test_*.py"))

    def pitfalls(self) -> list[str]:
        """The pitfalls the task text names (the bold lead of each item of its
        "## Pitfalls" section), for students: what the hidden tests catch."""
        try:
            text = (self.exercise_dir / "README.md").read_text(encoding="utf-8")
        except OSError:
            return []
        section = re.search(r"^## Pitfalls[^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
        if not section:
            return []
        return [re.sub(r"\s+", " ", m.group(1)).strip().rstrip(":.")
                for m in re.finditer(r"^\s*(?:[-*]|\d+\.)\s+\*\*(.+?)\*\*", section.group(1),
                                     re.M | re.S)]

    def stub_files(self) -> dict[str, Path]:
        return {name: self.exercise_dir / name for name in self.files}

    def solution_files(self) -> dict[str, Path]:
        return {name: self.solution_dir / name for name in self.files}


@dataclass(frozen=True)
class Assignment:
    """What is handed out and graded together: some exercises, maybe a due
    date, and the points they are worth together."""

    name: str  # letters, digits, '-' and '_': a folder, nbgrader and Gradescope name
    title: str
    slugs: tuple[str, ...]
    due: str = ""  # as written in course.toml (ISO date or date and time), or ""
    points: float | None = None  # the assignment's total when it is not the exercises' sum

    @property
    def label(self) -> str:
        """``part03: Threads``, for headings."""
        return f"{self.name}: {self.title}" if self.title else self.name


@dataclass(frozen=True)
class Course:
    """The whole course, or one assignment of it (:meth:`narrow`)."""

    root: Path
    title: str
    version: str
    exercises: dict[str, Exercise]
    assignments: dict[str, Assignment] = field(default_factory=dict)
    scope: str = ""  # the assignment this course was narrowed to, or "" (the whole course)
    # `grader validate` grades these too ([validate] in course.toml): wrong answers
    # (WRONG/SLUG/CASE.py or CASE/, each with its header) and correct alternatives
    wrong_dir: Path | None = None
    alternative_dirs: tuple[Path, ...] = ()

    def select(self, slugs: list[str] | None) -> list[Exercise]:
        """The named exercises (all when None); unknown slugs are an error."""
        if not slugs:
            return list(self.exercises.values())
        unknown = [s for s in slugs if s not in self.exercises]
        if unknown:
            raise CourseError(f"unknown exercise {unknown[0]!r}; known: "
                              f"{', '.join(self.exercises)}")
        return [self.exercises[s] for s in slugs]

    def assignment(self, name: str) -> Assignment:
        """The assignment called ``name``; an unknown name is an error naming the known ones."""
        if name not in self.assignments:
            raise CourseError(f"unknown assignment {name!r}; known: "
                              f"{', '.join(self.assignments) or 'none'} (course.toml "
                              "[[assignment]] entries)")
        return self.assignments[name]

    def narrow(self, name: str | None) -> Course:
        """This course as one assignment sees it: only its exercises, each worth
        its share of the assignment's points. ``None``: the whole course."""
        if not name:
            return self
        assignment = self.assignment(name)
        total = sum(self.exercises[s].points for s in assignment.slugs)
        scale = assignment.points / total if assignment.points else 1.0
        exercises = {s: replace(self.exercises[s], points=round(self.exercises[s].points
                                                                * scale, 4))
                     for s in assignment.slugs}
        return replace(self, exercises=exercises, assignments={name: assignment}, scope=name)

    def assignments_of(self, slug: str) -> list[Assignment]:
        """The assignments that hold exercise ``slug``."""
        return [a for a in self.assignments.values() if slug in a.slugs]


def _get(table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str,
          default: Any = ..., positive: bool = False) -> Any:
    if key not in table:
        if default is ...:
            raise CourseError(f"{where}: missing key '{key}'")
        return default
    value = table[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) or not isinstance(value, kinds):
        names = " or ".join(k.__name__ for k in kinds)
        raise CourseError(f"{where}: key '{key}' must be {names}, got {value!r}")
    if positive and value <= 0:
        raise CourseError(f"{where}: key '{key}' must be positive, got {value!r}")
    return value


_NUM = (int, float)
_ASSIGNMENT_KEYS = {"name", "title", "exercises", "parts", "due", "points"}
_ASSIGNMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_DEFAULT_KEYS = {"timeout", "test_timeout", "memory_mb", "cpu_seconds", "file_size_mb",
                 "open_files", "output_kb", "processes"}
_EXERCISE_KEYS = {"slug", "title", "part", "files", "points"} | _DEFAULT_KEYS


def _limits(table: dict[str, Any], where: str, base: Limits) -> Limits:
    return Limits(**{
        name: _get(table, name, int, where, getattr(base, name), positive=True)
        for name in ("memory_mb", "cpu_seconds", "file_size_mb", "open_files", "output_kb",
                     "processes")
    })


def _unknown(table: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise CourseError(f"{where}: unknown key '{extra[0]}' (allowed: "
                          f"{', '.join(sorted(allowed))})")


def load_course(root: Path | str) -> Course:
    """Load and check ``root/course.toml``."""
    root = Path(root).resolve()
    path = root / COURSE_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"{path}: not found (run from the course folder or pass --course)")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path}: not valid TOML: {exc}")
    _unknown(data, {"course", "defaults", "exercise", "assignment", "validate"}, COURSE_FILE)
    meta = _get(data, "course", dict, COURSE_FILE, {})
    defaults = _get(data, "defaults", dict, COURSE_FILE, {})
    _unknown(defaults, _DEFAULT_KEYS, "[defaults]")
    timeout = _get(defaults, "timeout", _NUM, "[defaults]", 120, positive=True)
    test_timeout = _get(defaults, "test_timeout", _NUM, "[defaults]", 10, positive=True)
    limits = _limits(defaults, "[defaults]", Limits())
    entries = _get(data, "exercise", list, COURSE_FILE, [])
    exercises: dict[str, Exercise] = {}
    for i, entry in enumerate(entries):
        where = f"[[exercise]] #{i + 1}"
        if not isinstance(entry, dict):
            raise CourseError(f"{where}: must be a table")
        slug = _get(entry, "slug", str, where)
        where = f"[[exercise]] '{slug}'"
        _unknown(entry, _EXERCISE_KEYS, where)
        if not slug.isidentifier():
            raise CourseError(f"{where}: key 'slug' must be a Python identifier, got {slug!r}")
        if slug in exercises:
            raise CourseError(f"{where}: duplicate slug")
        files = _get(entry, "files", list, where)
        if not files or not all(isinstance(f, str) and f.endswith(".py") and "/" not in f
                                for f in files):
            raise CourseError(f"{where}: key 'files' must be a non-empty list of .py file "
                              f"names, got {files!r}")
        exercise = Exercise(
            slug=slug,
            title=_get(entry, "title", str, where),
            part=_get(entry, "part", int, where, positive=True),
            files=tuple(files),
            points=float(_get(entry, "points", _NUM, where, positive=True)),
            timeout=float(_get(entry, "timeout", _NUM, where, timeout, positive=True)),
            test_timeout=float(_get(entry, "test_timeout", _NUM, where, test_timeout,
                                    positive=True)),
            root=root,
            limits=_limits(entry, where, limits),
        )
        if not exercise.exercise_dir.is_dir():
            raise CourseError(f"{where}: folder {exercise.exercise_dir} does not exist")
        exercises[slug] = exercise
    checks = _get(data, "validate", dict, COURSE_FILE, {})
    _unknown(checks, {"wrong", "alternatives"}, "[validate]")
    wrong = _get(checks, "wrong", str, "[validate]", "")
    alternatives = _get(checks, "alternatives", list, "[validate]", [])
    if not all(isinstance(a, str) for a in alternatives):
        raise CourseError(f"[validate]: key 'alternatives' must be a list of folders, got "
                          f"{alternatives!r}")
    return Course(root=root, title=_get(meta, "title", str, "[course]", "Course"),
                  version=str(_get(meta, "version", (str, int), "[course]", "0")),
                  exercises=exercises,
                  assignments=_assignments(_get(data, "assignment", list, COURSE_FILE, None),
                                           exercises),
                  wrong_dir=_folder(root, wrong), alternative_dirs=tuple(
                      d for d in (_folder(root, a) for a in alternatives) if d is not None))


def _folder(root: Path, name: str) -> Path | None:
    """A folder named in course.toml, if it is there (a student bundle has none)."""
    folder = root / name if name else None
    return folder if folder is not None and folder.is_dir() else None


def part_name(part: int) -> str:
    """The default assignment of a tutorial part: ``part03``."""
    return f"part{part:02d}"


def _assignments(entries: list[Any] | None, exercises: dict[str, Exercise]
                 ) -> dict[str, Assignment]:
    """The [[assignment]] entries; without any, one assignment per tutorial part."""
    by_part: dict[int, list[str]] = {}
    for exercise in exercises.values():
        by_part.setdefault(exercise.part, []).append(exercise.slug)
    if entries is None:
        return {part_name(p): Assignment(part_name(p), f"Part {p}", tuple(slugs))
                for p, slugs in sorted(by_part.items())}
    found: dict[str, Assignment] = {}
    for i, entry in enumerate(entries):
        where = f"[[assignment]] #{i + 1}"
        if not isinstance(entry, dict):
            raise CourseError(f"{where}: must be a table")
        name = _get(entry, "name", str, where)
        where = f"[[assignment]] '{name}'"
        _unknown(entry, _ASSIGNMENT_KEYS, where)
        if not _ASSIGNMENT_NAME.fullmatch(name):
            raise CourseError(f"{where}: key 'name' may hold only letters, digits, '-' and "
                              f"'_' (it names folders and files), got {name!r}")
        if name in found:
            raise CourseError(f"{where}: duplicate name")
        slugs = list(_get(entry, "exercises", list, where, []))
        unknown = [s for s in slugs if s not in exercises]
        if unknown:
            raise CourseError(f"{where}: key 'exercises' names {unknown[0]!r}, which is no "
                              "[[exercise]] slug")
        for part in _get(entry, "parts", list, where, []):
            if isinstance(part, bool) or not isinstance(part, int) or part not in by_part:
                raise CourseError(f"{where}: key 'parts' holds {part!r}, but no exercise has "
                                  f"that part (parts: {', '.join(map(str, sorted(by_part)))})")
            slugs += [s for s in by_part[part] if s not in slugs]
        if not slugs:
            raise CourseError(f"{where}: give its 'exercises' (slugs) or 'parts' (numbers)")
        due = entry.get("due", "")
        if not isinstance(due, (str, datetime.date)):  # datetime.datetime is a date too
            raise CourseError(f"{where}: key 'due' must be a date (2027-01-18) or a date "
                              f"and time (2027-01-18T23:59:00), got {due!r}")
        if isinstance(due, str) and due:
            try:
                datetime.datetime.fromisoformat(due)
            except ValueError:
                raise CourseError(f"{where}: key 'due' must be a date (2027-01-18) or a "
                                  f"date and time (2027-01-18T23:59:00), got {due!r}")
        points = _get(entry, "points", _NUM, where, None, positive=True)
        order = {slug: i for i, slug in enumerate(exercises)}  # course.toml's order
        found[name] = Assignment(
            name=name, title=_get(entry, "title", str, where, ""),
            slugs=tuple(sorted(dict.fromkeys(slugs), key=order.__getitem__)),
            due=due.isoformat(sep=" ") if isinstance(due, datetime.datetime)
            else due.isoformat() if isinstance(due, datetime.date) else due,
            points=float(points) if points is not None else None)
    return found


def find_course_root(explicit: str | None = None) -> Path:
    """The course folder: ``--course``, ``$GRADER_COURSE``, the nearest folder
    above the current one holding course.toml, or the one this grader ships in."""
    if explicit:
        return Path(explicit)
    if os.environ.get("GRADER_COURSE"):
        return Path(os.environ["GRADER_COURSE"])
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / COURSE_FILE).is_file():
            return folder
    packaged = Path(__file__).resolve().parent.parent
    if (packaged / COURSE_FILE).is_file():
        return packaged
    raise CourseError("no course.toml here or above; run from the course folder or pass "
                      "--course DIR")
