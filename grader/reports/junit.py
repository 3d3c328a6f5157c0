"""junit.xml: one <testsuite> per student, one <testcase> per test. JUnit has
no timeout or deadlock status: a test that could not run or finish (timeout,
error, missing) is an <error type="timeout|error|missing">, one that ran and
went wrong a <failure type="failed|deadlock|stall|potential-deadlock|race">;
the details (diagnosis, stacks) go in the element's body, which CI systems
show. Valid against Jenkins' junit-10.xsd (tests/schemas/)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from grader.model import Status, StudentResult
from grader.reports.atomic import write_text

_ERRORS = {Status.ERROR, Status.TIMEOUT, Status.MISSING, Status.CRASH, Status.RESOURCE}


def render(results: list[StudentResult]) -> str:
    root = ET.Element("testsuites", name="grader")
    for result in results:
        tests = [(slug, t) for slug, ex in result.exercises.items() for t in ex.tests]
        suite = ET.SubElement(
            root, "testsuite", name=result.student, tests=str(len(tests)),
            failures=str(sum(t.status not in _ERRORS and t.status is not Status.PASSED
                             for _, t in tests)),
            errors=str(sum(t.status in _ERRORS for _, t in tests)),
            time=f"{sum(t.duration for _, t in tests):.3f}")
        for slug, test in tests:
            case = ET.SubElement(suite, "testcase", classname=f"{result.student}.{slug}",
                                 name=test.name, time=f"{test.duration:.3f}")
            if test.status is Status.PASSED:
                continue
            tag = "error" if test.status in _ERRORS else "failure"
            first = test.message.strip().splitlines()[0] if test.message.strip() else ""
            element = ET.SubElement(case, tag, type=str(test.status), message=first[:200])
            element.text = test.message
    for total in ("tests", "failures", "errors"):
        root.set(total, str(sum(int(s.get(total, "0")) for s in root)))
    root.set("time", f"{sum(float(s.get('time', '0')) for s in root):.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write(path: Path, results: list[StudentResult]) -> None:
    write_text(path, render(results))
