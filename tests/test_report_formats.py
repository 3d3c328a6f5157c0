"""The report formats on a graded class: report.html in a real browser,
Gradescope and JUnit against their schemas, GitHub summary and annotations,
and feedback that teaches without ever showing a hidden test's source."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from conftest import CLASS, ROOT, SAMPLE_SLUGS, browse

from grader.model import Diagnosis, ExerciseResult, Status, StudentResult, TestResult
from grader.reports import feedback, github, gradescope, junit, parse_formats, student
from grader.runner.protocol import Frame, ThreadState

SCHEMAS = Path(__file__).resolve().parent / "schemas"
SLUGS = ",".join(SAMPLE_SLUGS)
STUDENTS = ["alice", "bob", "carol", "dave", "erin"]


def grader(*args: str, env: dict[str, str] | None = None,
           cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=600, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def graded(sample_class) -> Path:
    return sample_class.out


def results(out: Path) -> dict[str, dict]:
    return {name: json.loads((out / name / "results.json").read_text()) for name in STUDENTS}


def sample() -> StudentResult:
    tests = [
        TestResult("test_x.py::test_ok", Status.PASSED, 5.0, 5.0, duration=0.1),
        TestResult("test_x_hidden.py::test_hang", Status.DEADLOCK, 0.0, 2.5,
                   message="Deadlock.\nThread-1 holds `a.lock`\n  at x.py:7 in move: with b:",
                   hidden=True, diagnosis=Diagnosis(
                       Status.DEADLOCK, "cycle", advice="order", threads=(ThreadState(
                           "Thread-1", holds=("`a.lock`",), waits="b",
                           frames=(Frame("x.py", 7, "move", "with b:"),)),))),
        TestResult("test_x_hidden.py::test_slow", Status.TIMEOUT, 0.0, 2.5, hidden=True,
                   message='did not finish. Where every thread was:\nMainThread:\n'
                           '  File "/h/test_x_hidden.py", line 30, in test_slow\n'
                           '    assert secret_expected_value(x) == 42\n'
                           '  File "/w/x.py", line 9, in slow\n    time.sleep(99)'),
    ]
    return StudentResult("zoë", {"x": ExerciseResult("x", Status.DEADLOCK, 10.0, tests)})


# -- feedback that teaches ---------------------------------------------------

def test_feedback_explains_each_failed_test_in_plain_words():
    text = feedback.render(sample())
    assert "**Score: 5 / 10**" in text
    hang = text.split("### test_x_hidden.py::test_hang", 1)[1].split("###", 1)[0]
    assert "**What happened:** Threads (or asyncio tasks) waited for each other in a circle" in hang
    assert "**What was expected:**" in hang
    assert "**What to try:** Take locks in one global order" in hang
    assert "Thread-1 holds `a.lock`" in hang  # the diagnosis itself
    slow = text.split("### test_x_hidden.py::test_slow", 1)[1]
    assert "did not finish within its time limit" in slow
    assert "test_ok" not in text  # passed tests need no paragraph


def test_every_status_has_an_explanation():
    for status in Status:
        if status is not Status.PASSED:
            why = student.explain(status)
            assert why.happened and why.expected and why.to_try, status


def test_redactor_removes_hidden_frames_and_lines(tmp_path):
    hidden = tmp_path / "test_x_hidden.py"
    hidden.write_text("def test_y():\n    assert compute_the_answer(6, 7) == 42\n")
    redact = student.Redactor([hidden])
    text = redact(sample().exercises["x"].tests[2].message
                  + "\n>       assert compute_the_answer(6, 7) == 42\n"
                  + "../hidden/test_x_hidden.py:2: in test_y\n    helper()\nE   ValueError")
    assert "secret_expected_value" not in text and "test_x_hidden.py" not in text
    assert "compute_the_answer" not in text and "helper()" not in text
    assert 'File "/w/x.py", line 9, in slow' in text and "time.sleep(99)" in text
    assert "E   ValueError" in text and student.REDACTED in text


def test_feedback_html_escapes_student_text():
    result = sample()
    result.student = "<script>alert(1)</script>"
    page = feedback.render_html(result)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "What was expected" in page


def test_unknown_format_is_refused_before_grading(tmp_path):
    run = grader("grade", str(CLASS), "--out", str(tmp_path), "--format", "pdf")
    assert run.returncode == 2 and "unknown report format 'pdf'" in run.stderr
    assert not any(tmp_path.iterdir())
    assert parse_formats("all")[0] == "feedback" and parse_formats("junit") == ("junit",)


def _hidden_source_lines() -> set[str]:
    """Lines of the hidden tests that are not also in a public test (those a
    student may see)."""
    public = {line.strip() for path in (ROOT / "exercises").rglob("test_*.py")
              for line in path.read_text().splitlines()}
    lines = set()
    for path in (ROOT / "hidden").rglob("test_*_hidden.py"):
        for line in path.read_text().splitlines():
            line = line.strip()
            if len(line) >= 20 and not line.startswith("#") and line not in public:
                lines.add(line)
    return lines


def _student_facing(out: Path) -> dict[str, str]:
    texts = {}
    for path in out.glob("*/feedback.md"):
        texts[str(path)] = path.read_text()
    for path in out.glob("*/feedback.html"):
        texts[str(path)] = html.unescape(path.read_text())
    for path in out.glob("*/gradescope.json"):
        data = json.loads(path.read_text())
        texts[str(path)] = "\n".join([data["output"]] + [t.get("output", "")
                                                         for t in data["tests"]])
    texts["summary.md"] = (out / "summary.md").read_text()
    return texts


def test_students_never_see_hidden_test_source(graded):
    hidden = _hidden_source_lines()
    raw = "\n".join((graded / s / "results.json").read_text() for s in STUDENTS)
    # Not vacuous: the raw results do point into hidden test files.
    assert "_hidden.py" in raw.replace("_hidden.py::", "")
    for name, text in _student_facing(graded).items():
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{name} shows hidden test source: {leaked[:3]}"
        frames = [line for line in text.splitlines()
                  if "_hidden.py" in line.replace("_hidden.py::", "")]
        assert not frames, f"{name} shows a hidden test's frame: {frames[:3]}"


def test_feedback_files_for_every_student(graded):
    data = results(graded)
    for name in STUDENTS:
        text = (graded / name / "feedback.md").read_text()
        assert f"**Score: {data[name]['score']:g} / {data[name]['max_score']:g}**" in text
    carol = (graded / "carol" / "feedback.md").read_text()
    assert "What to try:** Every wait needs a matching notify" in carol  # the stall
    assert "What to try:** Take locks in one global order" in carol  # the deadlock
    assert "Timeline up to the deadlock (|), one column per event:" in carol
    assert "Timeline up to the stall (|), one column per event:" in carol
    data = json.loads((graded / "carol" / "results.json").read_text())
    deadlocked = [t for t in data["exercises"]["deadlock"]["tests"] if t["status"] == "deadlock"]
    assert deadlocked and all(t["diagnosis"]["timeline"]["lanes"] for t in deadlocked)
    page = (graded / "carol" / "feedback.html").read_text()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"' in page


# -- report.html in a real browser ---------------------------------------------

class Checks(HTMLParser):
    """The text of every element with a ``data-check`` attribute, keyed by its
    data-check, data-student (of the enclosing row) and data-exercise."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str, str], str] = {}
        self.row: dict[str, str] = {}
        self.open: list[tuple[tuple[str, str, str], list[str]]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "tr":
            self.row = a
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if "data-check" in a:
            key = (a["data-check"], self.row.get("data-student", ""),
                   a.get("data-exercise") or self.row.get("data-exercise", ""))
            self.open.append((key, []))

    def handle_data(self, data: str) -> None:
        for _, parts in self.open:
            parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "span") and self.open:
            key, parts = self.open.pop()
            self.values[key] = " ".join("".join(parts).split())


def test_html_report_in_chromium_matches_results_json(graded, tmp_path):
    data = results(graded)
    dom = Checks()
    dom.feed(browse(graded / "report.html", tmp_path, "--dump-dom"))
    values = dom.values
    assert values[("n_students", "", "")] == "5"
    mean = sum(d["score"] for d in data.values()) / len(data)
    assert float(values[("mean", "", "")]) == pytest.approx(mean, abs=0.01)
    for name, d in data.items():
        assert values[("total", name, "")] == f"{d['score']:g} / {d['max_score']:g}", name
        failed = sum(t["status"] != "passed" for e in d["exercises"].values()
                     for t in e["tests"])
        assert values[("failed", name, "")] == str(failed)
        for slug, ex in d["exercises"].items():
            assert values[("exercise-score", name, slug)] == f"{ex['score']:g}", (name, slug)
    for slug in SLUGS.split(","):
        exercises = [d["exercises"][slug] for d in data.values()]
        counts = {
            "full": sum(e["status"] != "missing" and e["score"] >= e["max_score"]
                        for e in exercises),
            "zero": sum(e["status"] != "missing" and e["score"] == 0 for e in exercises),
            "missing": sum(e["status"] == "missing" for e in exercises)}
        for bucket, n in counts.items():
            assert values[(bucket, "", slug)] == str(n), (slug, bucket)
    # Every student's page exists, opens, and shows the same score.
    for name in STUDENTS:
        assert f"{name}/report.html" in dom.links and f"{name}/feedback.html" in dom.links
    page = Checks()
    page.feed(browse(graded / "carol" / "report.html", tmp_path, "--dump-dom"))
    assert page.values[("score", "", "")] == f"{data['carol']['score']:g}"
    assert page.values[("exercise-score", "", "deadlock")] == (
        f"{data['carol']['exercises']['deadlock']['score']:g} / 10")
    # A screenshot for people: build/report-screenshot.png.
    shot = ROOT / "build" / "report-screenshot.png"
    shot.parent.mkdir(exist_ok=True)
    shot.unlink(missing_ok=True)
    browse(graded / "report.html", tmp_path, f"--screenshot={shot}", "--window-size=1280,1400",
           "--hide-scrollbars")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def table_right_edge(page: Path, tmp_path: Path, width: int) -> tuple[float, float]:
    """Where the students' table ends, and the window's width, in chromium
    at ``width`` pixels (a copy of the page with a measuring script)."""
    probe = page.with_name("measured.html")
    probe.write_text(page.read_text().replace("</body>", (
        "<script>window.addEventListener('load', () => document.body.setAttribute("
        "'data-measured', document.getElementById('students').getBoundingClientRect().right"
        " + ' ' + window.innerWidth))</script></body>")))
    dom = browse(probe, tmp_path, "--dump-dom", f"--window-size={width},900")
    right, inner = dom.split('data-measured="', 1)[1].split('"', 1)[0].split()
    return float(right), float(inner)


def test_the_class_table_of_a_whole_course_fits_a_laptop_screen(course, tmp_path):
    """29 exercises: one column per assignment, not per exercise."""
    from grader.reports import html as class_report

    results = []
    for i, name in enumerate(("alexandra-maria", "bartholomew", "cunegonde")):
        exercises = {slug: ExerciseResult(slug, Status.PASSED if i else Status.FAILED, 10.0, [
            TestResult(f"test_{slug}.py::test_it", Status.PASSED if i else Status.FAILED,
                       10.0 if i else 0.0, 10.0)]) for slug in course.exercises}
        results.append(StudentResult(name, exercises))
    slugs = list(course.exercises)
    groups = {a.name: list(a.slugs) for a in course.assignments.values()}
    class_report.write(tmp_path / "grouped", results, slugs, groups=groups)
    right, inner = table_right_edge(tmp_path / "grouped" / "report.html", tmp_path, 1400)
    assert inner == 1400 and right <= inner, (right, inner)
    page = (tmp_path / "grouped" / "report.html").read_text()
    assert 'data-check="assignment-score" data-exercise="part04"' in page
    assert "90 / 90" in page  # part04: nine exercises of 10 points
    class_report.write(tmp_path / "flat", results, slugs)  # one column per exercise
    right, inner = table_right_edge(tmp_path / "flat" / "report.html", tmp_path, 1400)
    assert right > inner  # what the grouping is for


def test_per_student_page_shows_diagnosis_and_stacks(graded):
    page = (graded / "carol" / "report.html").read_text()
    assert "deadlock:</strong>" in page and "holds" in page  # the diagnosis, by thread
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"' in page  # its timeline
    assert "message and stacks" in page


# -- Gradescope ----------------------------------------------------------------

def gradescope_schema() -> dict:
    schema = json.loads((SCHEMAS / "gradescope-results.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def test_gradescope_results_validate_against_the_schema(graded):
    schema = gradescope_schema()
    data = results(graded)
    for name in STUDENTS:
        out = json.loads((graded / name / "gradescope.json").read_text())
        jsonschema.validate(out, schema)
        assert out["score"] == pytest.approx(data[name]["score"])
        # Shares are rounded to 4 places, totals to 2 (the top-level score wins).
        assert sum(t["score"] for t in out["tests"]) == pytest.approx(data[name]["score"],
                                                                       abs=0.01)
        assert sum(t["max_score"] for t in out["tests"]) == pytest.approx(
            data[name]["max_score"], abs=0.01)
    bob = json.loads((graded / "bob" / "gradescope.json").read_text())
    racy = [t for t in bob["tests"] if "race" in t["tags"] and t["status"] == "failed"]
    assert racy and "What to try: Protect every read-modify-write" in racy[0]["output"]


def test_gradescope_schema_is_strict():
    schema = gradescope_schema()
    good = gradescope.results(sample())
    jsonschema.validate(good, schema)
    for bad in ({**good, "tests": [{**good["tests"][0], "status": "timeout"}]},
                {**good, "visibility": "sometimes"}, {**good, "scor": 1},
                {"tests": [{"name": "no score"}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


# -- JUnit -----------------------------------------------------------------------

def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


def test_junit_validates_against_the_xsd(graded):
    schema = junit_schema()
    schema.validate(str(graded / "junit.xml"))
    tree = ET.parse(graded / "junit.xml").getroot()
    assert tree.get("tests") == str(sum(1 for _ in tree.iter("testcase")))
    carol = next(s for s in tree.iter("testsuite") if s.get("name") == "carol")
    failures = {f.get("type"): f for f in carol.iter("failure")}
    assert {"deadlock", "stall"} <= set(failures)
    assert "waits" in failures["stall"].text  # the details are in the body
    dave = next(s for s in tree.iter("testsuite") if s.get("name") == "dave")
    assert "error" in {e.get("type") for e in dave.iter("error")}  # his syntax error


def test_junit_sample_types_and_schema_strictness():
    schema = junit_schema()
    text = junit.render([sample()])
    schema.validate(text)
    assert '<failure type="deadlock"' in text and '<error type="timeout"' in text
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(text.replace('<testsuite name="zoë"', "<testsuite"))


# -- GitHub ----------------------------------------------------------------------

def test_github_summary_and_annotations(tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    run = grader("grade", str(CLASS / "carol"), "--single", "--exit-zero", "--only",
                 "deadlock", "--out", str(tmp_path / "out"),
                 env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert run.returncode == 0, run.stderr
    text = summary.read_text()
    assert text.startswith("earlier step\n")  # appended, as GitHub expects
    assert "## Grading results" in text and "| carol |" in text and "What to try" in text
    errors = [line for line in run.stdout.splitlines() if line.startswith("::error ")]
    data = json.loads((tmp_path / "out" / "carol" / "results.json").read_text())
    failed = [t for t in data["exercises"]["deadlock"]["tests"] if t["status"] != "passed"]
    assert len(errors) == len(failed)
    assert all("file=examples/class/carol/deadlock.py,line=" in e for e in errors), errors[:2]
    assert all("\n" not in e and "%0A" in e for e in errors)


def test_annotation_escaping_and_lines():
    result = sample()
    commands = github.annotations(result, lambda slug: ["src/x.py"])
    assert len(commands) == 2
    assert commands[0].startswith("::error file=src/x.py,line=7,title=x%3A test_x_hidden.py")
    assert "secret_expected_value" not in commands[1]
    assert github.summary([result], ["x"]).count("| zoë |") == 1


def test_at_most_ten_annotations_most_severe_first():
    failing = [TestResult(f"test_f.py::test_{i}", Status.FAILED, 0.0, 1.0, message="no")
               for i in range(14)]
    result = StudentResult("bo", {
        "f": ExerciseResult("f", Status.FAILED, 14.0, failing),
        "x": sample().exercises["x"]})
    commands = github.annotations(result, lambda slug: [f"{slug}.py"])
    assert len(commands) == github.MAX_ANNOTATIONS
    assert "(deadlock)" in commands[0]  # the deadlocked exercise comes first
    assert commands[-1].startswith("::error title=7 more failed tests::")


def test_what_was_expected_quotes_the_assertion_message():
    result = sample()
    result.exercises["x"].tests.append(TestResult(
        "test_x.py::test_sum", Status.FAILED, 0.0, 1.0,
        message="AssertionError: the total should be 10, but it is 7. Lock the update.\n"
                "In your code:\n  x.py, line 3, in add: total += n"))
    text = feedback.render(result)
    assert ("**What was expected:** The test says: the total should be 10, but it is 7.\n"
            in text)
    assert student.assertion("ValueError: boom") == ""


# -- hidden tests' lines, whatever reports are asked for --------------------------------

TOY_HIDDEN = '''from toy import answer


def test_secret_rule():
    expected_secret_total = sum(range(7)) * 6
    assert answer() == expected_secret_total, "expected_secret_total = sum(range(7)) * 6"
'''


def toy_course(root: Path) -> Path:
    """A course of one exercise whose hidden test's failure message quotes a
    line of the hidden test (as pytest's own introspection can)."""
    (root / "exercises" / "toy").mkdir(parents=True)
    (root / "hidden" / "toy").mkdir(parents=True)
    (root / "course.toml").write_text('[[exercise]]\nslug = "toy"\ntitle = "Toy"\npart = 3\n'
                                      'files = ["toy.py"]\npoints = 10\n')
    (root / "exercises" / "toy" / "README.md").write_text("Return the answer.\n")
    (root / "exercises" / "toy" / "toy.py").write_text("def answer():\n    return 0\n")
    (root / "exercises" / "toy" / "test_toy.py").write_text(
        "from toy import answer\n\n\ndef test_runs():\n    answer()\n")
    (root / "hidden" / "toy" / "test_toy_hidden.py").write_text(TOY_HIDDEN)
    return root


@pytest.mark.parametrize("formats", [*parse_formats("all"), "all"])
def test_hidden_test_lines_never_reach_feedback_under_any_format(tmp_path, formats):
    root = toy_course(tmp_path / "course")
    (tmp_path / "class" / "zoe").mkdir(parents=True)
    (tmp_path / "class" / "zoe" / "toy.py").write_text("def answer():\n    return 41\n")
    out = tmp_path / "out"
    run = grader("--course", str(root), "grade", str(tmp_path / "class"), "--out", str(out),
                 "--format", formats, "--no-sandbox")
    assert run.returncode == 0, run.stdout + run.stderr
    secret = "expected_secret_total = sum(range(7)) * 6"
    message = json.loads((out / "zoe" / "results.json").read_text())[
        "exercises"]["toy"]["tests"][1]["message"]
    assert secret in message  # the instructor's results.json has it: the test can fail
    shown = [p for p in out.rglob("*") if p.name.startswith(("feedback", "gradescope",
                                                             "summary"))]
    assert bool(shown) == any(f in formats for f in ("feedback", "gradescope", "github",
                                                       "all"))
    for path in shown:
        assert secret not in html.unescape(path.read_text()), path
