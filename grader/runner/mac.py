"""Message authentication between a run's child and the grader: the child
stamps every event and its report with an HMAC keyed by the attempt's secret
(handed over on a pipe, never written to disk), so lines and files that
student code forges, or copies from the readable event stream, are refused."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

# In a run's child: the attempt's secret, read from the pipe (or the warm
# server) before any student code runs; the plugin stamps every event with it.
run_token: str | None = None


def sign(token: str, text: str) -> str:
    return hmac.new(token.encode(), text.encode(), hashlib.sha256).hexdigest()


def verify(token: str, text: str, mac: str) -> bool:
    return hmac.compare_digest(sign(token, text), mac)


def report_text(tests: list[dict[str, Any]]) -> str:
    """What a report's MAC covers: each test's node id and grader verdict, in order."""
    return json.dumps([[t.get("nodeid"), (t.get("metadata") or {}).get("grader")]
                       for t in tests], sort_keys=True)
