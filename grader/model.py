"""The one results model. Every report (results.json, feedback.md, the
gradebook, JUnit XML, the terminal table) is rendered from these classes.
A test's status and diagnosis are the ones its run reported
(:mod:`grader.runner.protocol`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from grader.runner.protocol import Diagnosis, Status

__all__ = ["SEVERITY", "Diagnosis", "ExerciseResult", "Status", "StudentResult", "TestResult",
           "worst"]


# Most severe first: an exercise takes the most severe status of its tests.
SEVERITY = [Status.MISSING, Status.ERROR, Status.RESOURCE, Status.CRASH, Status.DEADLOCK,
            Status.POTENTIAL_DEADLOCK, Status.STALL, Status.BLOCKED_LOOP, Status.RACE,
            Status.NEVER_AWAITED, Status.SERIAL, Status.TIMEOUT, Status.FAILED, Status.PASSED]


def worst(statuses: list[Status]) -> Status:
    """The most severe of ``statuses`` (``passed`` for none)."""
    return min(statuses, key=SEVERITY.index, default=Status.PASSED)


@dataclass
class TestResult:
    """One test of one exercise."""

    __test__ = False  # not a pytest test class

    name: str
    status: Status
    score: float
    max_score: float
    message: str = ""
    duration: float = 0.0
    hidden: bool = False
    diagnosis: Diagnosis | None = None
    lesson: bool = False  # failing it caps the exercise at half its points

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = str(self.status)
        if self.diagnosis is None:
            del data["diagnosis"]
        else:
            data["diagnosis"] = self.diagnosis.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TestResult:
        diagnosis = data.get("diagnosis")
        return cls(**{**data, "status": Status(data["status"]),
                      "diagnosis": Diagnosis.from_dict(diagnosis) if diagnosis else None})


@dataclass
class ExerciseResult:
    """One exercise of one submission."""

    slug: str
    status: Status
    max_score: float
    tests: list[TestResult] = field(default_factory=list)
    message: str = ""  # exercise-wide: import traceback, missing file, crash
    output: str = ""  # the run's captured stdout/stderr, capped
    seed: int | None = None
    capped: bool = False  # a lesson test failed: the score is at most half the points

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "max_score": self.max_score,
            "status": str(self.status),
            "message": self.message,
            "output": self.output,
            "seed": self.seed,
            "capped": self.capped,
            "tests": [t.to_dict() for t in self.tests],
        }

    @classmethod
    def from_dict(cls, slug: str, data: dict[str, Any]) -> ExerciseResult:
        return cls(slug=slug, status=Status(data["status"]), max_score=data["max_score"],
                   tests=[TestResult.from_dict(t) for t in data.get("tests", [])],
                   message=data.get("message", ""), output=data.get("output", ""),
                   seed=data.get("seed"), capped=bool(data.get("capped", False)))


@dataclass
class StudentResult:
    """Everything graded for one submission."""

    student: str
    exercises: dict[str, ExerciseResult] = field(default_factory=dict)
    message: str = ""  # submission-wide problems (unreadable zip, ...)
    assignment: str = ""  # the assignment graded (course.toml [[assignment]] name), or ""

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises.values()), 2)

    @property
    def max_score(self) -> float:
        return round(sum(e.max_score for e in self.exercises.values()), 2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "student": self.student,
            "assignment": self.assignment or None,
            "score": self.score,
            "max_score": self.max_score,
            "message": self.message,
            "exercises": {slug: e.to_dict() for slug, e in self.exercises.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StudentResult:
        return cls(student=data["student"], message=data.get("message", ""),
                   assignment=data.get("assignment") or "",
                   exercises={slug: ExerciseResult.from_dict(slug, e)
                              for slug, e in data["exercises"].items()})
