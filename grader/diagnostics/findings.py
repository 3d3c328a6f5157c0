"""Findings that judge a test after it ran, whatever its own assertions said:
a lock-order inversion in the student's code (potential deadlock), a lost
update seen while thread switches were injected (race), and diagnoses written
by other processes of the run (a multiprocessing worker's deadlock or stall)."""

from __future__ import annotations

import glob
import json
import os
from typing import Any

from grader import diagnostics
from grader.diagnostics import report, state
from grader.testing import switches


class Findings:
    """Per-test bookkeeping, driven by the plugin."""

    def __init__(self, student_dir: str | None) -> None:
        self.student_dir = student_dir
        self.inversions_before = 0
        self.worker_offsets: dict[str, int] = {}

    def _inversions(self) -> list[Any]:
        if not diagnostics._installed:
            return []
        from grader.diagnostics import primitives

        return primitives.inversions

    def start(self, nodeid: str) -> None:
        state.current_test = nodeid
        self.inversions_before = len(self._inversions())
        switches.reset_races()
        self.worker_offsets = {path: os.path.getsize(path) for path in self._worker_files()}

    def stop(self) -> None:
        state.current_test = ""

    def _worker_files(self) -> list[str]:
        run_dir = os.environ.get("GRADER_RUN_DIR")
        return glob.glob(os.path.join(run_dir, "diagnoses", "*.jsonl")) if run_dir else []

    def _student_site(self, site: str) -> bool:
        path = site.rpartition(":")[0]
        return bool(self.student_dir) and os.path.realpath(path).startswith(
            self.student_dir or "\0")

    def worker_diagnoses(self) -> list[dict[str, Any]]:
        found = []
        for path in self._worker_files():
            with open(path) as f:
                f.seek(self.worker_offsets.get(path, 0))
                for line in f:
                    try:
                        found.append(json.loads(line))
                    except ValueError:
                        continue
        return found

    def apply(self, result: dict[str, Any]) -> None:
        """Update a test's verdict (status, message, diagnosis) in place."""
        new = [c for c in self._inversions()[self.inversions_before:]
               if any(self._student_site(e.site) for e in c)]
        if new:
            self._add(result, report.inversion_diagnosis(new[0]), force=True)
        race = switches.lost_update()
        if race is not None and result["status"] == "failed":
            self._add(result, race)
        if result["status"] in ("failed", "timeout"):
            for diagnosis in self.worker_diagnoses():
                diagnosis = {**diagnosis, "summary": "In a child process: "
                             + diagnosis["summary"]}
                self._add(result, diagnosis)
                break

    @staticmethod
    def _add(result: dict[str, Any], diagnosis: dict[str, Any], force: bool = False) -> None:
        text = report.render(diagnosis)
        if result["status"] == "passed" or (force and "diagnosis" not in result):
            if result["status"] == "passed":
                result["message"] = text
            else:
                result["message"] = f"{result['message']}\n\n{text}"
            result.update(status=diagnosis["kind"], diagnosis=diagnosis)
        elif "diagnosis" not in result:
            result.update(status=diagnosis["kind"], diagnosis=diagnosis,
                          message=f"{result['message']}\n\n{text}")
