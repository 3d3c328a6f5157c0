"""Findings that judge a test after it ran, whatever its own assertions said:
a lock-order inversion in the student's code (potential deadlock), a lost
update seen while thread switches were injected (race), and diagnoses written
by other processes of the run (a multiprocessing worker's deadlock or stall).
Each turns the test's :class:`~grader.runner.protocol.Verdict` into a new one."""

from __future__ import annotations

import glob
import json
import os
from dataclasses import replace

from grader.diagnostics import explain, races, state, timeline
from grader.runner.protocol import Diagnosis, ProtocolError, Status, Verdict


class Findings:
    """Per-test bookkeeping, driven by the plugin."""

    def __init__(self, student_dir: str | None) -> None:
        self.student_dir = student_dir
        self.inversions_before = 0
        self.crashes_before = 0
        self.worker_offsets: dict[str, int] = {}

    def start(self, nodeid: str) -> None:
        state.current_test = nodeid
        self.inversions_before = len(state.inversions)
        self.crashes_before = len(state.crashes)
        races.reset()
        timeline.reset()
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

    def worker_diagnoses(self) -> list[Diagnosis]:
        found = []
        for path in self._worker_files():
            with open(path) as f:
                f.seek(self.worker_offsets.get(path, 0))
                for line in f:
                    try:
                        found.append(Diagnosis.from_dict(json.loads(line)))
                    except (ValueError, ProtocolError):
                        continue
        return found

    def judge(self, verdict: Verdict) -> Verdict:
        """The test's verdict once the findings are taken into account."""
        new = [c for c in state.inversions[self.inversions_before:]
               if any(self._student_site(e.site) for e in c)]
        if new:
            verdict = _add(verdict, explain.inversion_diagnosis(new[0]), force=True)
        race = races.lost_update()
        if race is not None and verdict.status is Status.FAILED:
            verdict = _add(verdict, race)
        if verdict.status in (Status.FAILED, Status.TIMEOUT, Status.STALL):
            # a thread or process that died explains what waited for it
            crashed = [d for _, d in state.crashes[self.crashes_before:]
                       if d.kind is Status.CRASH]
            if crashed:  # drawn up to now: what waited for the dead thread too
                crashed[0] = timeline.redrawn(crashed[0])
            crashed += [d for d in self.worker_diagnoses() if d.kind is Status.CRASH]
            if crashed:
                return _cause(verdict, crashed[0])
        if verdict.status in (Status.FAILED, Status.TIMEOUT):
            for diagnosis in self.worker_diagnoses():
                verdict = _add(verdict, diagnosis.with_summary(
                    "In a child process: " + diagnosis.summary))
                break
        return verdict


def _cause(verdict: Verdict, crash: Diagnosis) -> Verdict:
    """A crash as the cause of a test that failed, hung or stalled after it."""
    then = verdict.message if verdict.diagnosis is None else explain.render(verdict.diagnosis)
    return replace(verdict, status=Status.CRASH, diagnosis=crash,
                   message=f"{explain.render(crash)}\n\nThen: {then}")


def _add(verdict: Verdict, diagnosis: Diagnosis, force: bool = False) -> Verdict:
    """``verdict`` with ``diagnosis`` as its cause: a passed test takes it
    (only ``force``d ones reach a passed test: an inversion fails it); a failed
    one without a diagnosis takes it, its own message kept above."""
    text = explain.render(diagnosis)
    if verdict.status is Status.PASSED:
        return replace(verdict, status=diagnosis.kind, message=text, diagnosis=diagnosis)
    if verdict.diagnosis is None:
        return replace(verdict, status=diagnosis.kind, diagnosis=diagnosis,
                       message=f"{verdict.message}\n\n{text}")
    return verdict
