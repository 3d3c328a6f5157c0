"""A test's timeline, drawn: one lane per thread (and process), holds as bars,
waits as hatched bars with an arrow to the thread waited for, the racing read
and writes marked and joined, and the verdict at the right. As an inline SVG
(no script, no network) for the HTML pages, and as a few lines of text lanes
for feedback.md. Both are drawn from :class:`~grader.runner.protocol.Timeline`
alone, in the student's own names and lines.

The x axis is the order of events, one step each (oldest left): what matters
is who did what before whom, and a deadlock's last events can be microseconds
apart before a wait of seconds. Each mark's tooltip gives its time.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace
from html import escape

from grader.runner.protocol import TIMELINE_KINDS, Diagnosis, Status, Timeline, TimelineEvent

# the verdicts that carry a timeline
KINDS = {Status.DEADLOCK, Status.STALL, Status.RACE, Status.POTENTIAL_DEADLOCK, Status.CRASH}
WAITS = {"wait", "cond-wait", "get-wait", "join"}
STARTS = {"start", "process-start"}
ENDS = {"end", "crash"}
RACE = {"read", "write", "stale-write"}
RACE_WORDS = {"read": "reads", "write": "writes", "stale-write": "stale write of"}
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f"]
RED = "#d62728"

LABEL_W, RIGHT, TOP, LANE_H = 130, 110, 34, 50
STEPS = (20.0, 48.0, 660.0)  # pixels per event: at least, at most, and for all of them
LEGEND_W = 660


@dataclass(frozen=True)
class Bar:
    """A stretch of one lane: a hold (``wait`` False) or a wait."""

    lane: str
    start: int  # event index (-1: before the shown part)
    stop: int  # event index (len(events): still going at the verdict)
    name: str
    ref: int
    wait: bool = False
    line: int = 0
    other: str = ""  # the thread waited for


def _short(name: str, room: int = 18) -> str:
    """A lane's name as it fits its label (cut with an ellipsis; the full name
    is the label's tooltip)."""
    return name if len(name) <= room else name[:room - 1] + "…"


def of(status: Status | str, diagnosis: Diagnosis | None) -> Timeline | None:
    """The timeline a test with this status and diagnosis shows (None: none),
    without any event from a test file: only the student's code is recorded,
    and this holds whatever wrote the results."""
    if diagnosis is None or diagnosis.timeline is None or Status(status) not in KINDS:
        return None
    tl = diagnosis.timeline
    if any(e.file.startswith("test_") or e.file.endswith("_hidden.py") for e in tl.events):
        tl = replace(tl, events=tuple(e for e in tl.events if not (
            e.file.startswith("test_") or e.file.endswith("_hidden.py"))))
    return tl if tl.events else None


def bars(timeline: Timeline) -> list[Bar]:
    """Holds and waits, from the events: a hold runs from a take to the release
    of the same object on the same lane; a wait runs until the lane's next event."""
    events = timeline.events
    end = len(events)
    open_holds: dict[tuple[str, int], tuple[int, str, int]] = {
        (thread, ref): (-1, name, 0) for thread, name, ref in timeline.holding}
    found: list[Bar] = []
    last_wait: dict[str, tuple[int, TimelineEvent]] = {}
    for i, e in enumerate(events):
        if e.thread in last_wait:
            start, w = last_wait.pop(e.thread)
            found.append(Bar(w.thread, start, i, w.obj, w.ref, True, w.line, w.other))
        if e.kind == "take":
            open_holds[(e.thread, e.ref)] = (i, e.obj, e.line)
        elif e.kind == "release" and (e.thread, e.ref) in open_holds:
            start, name, line = open_holds.pop((e.thread, e.ref))
            found.append(Bar(e.thread, start, i, name, e.ref, line=line))
        elif e.kind in WAITS:
            last_wait[e.thread] = (i, e)
        elif e.kind in ENDS:
            for key in [k for k in open_holds if k[0] == e.thread]:
                start, name, line = open_holds.pop(key)
                found.append(Bar(e.thread, start, i, name, key[1], line=line))
    for (thread, ref), (start, name, line) in open_holds.items():
        found.append(Bar(thread, start, end, name, ref, line=line))
    for start, w in last_wait.values():
        found.append(Bar(w.thread, start, end, w.obj, w.ref, True, w.line, w.other))
    return found


def describe(e: TimelineEvent) -> str:
    """One event in words: "Thread-1 takes `a.lock` (line 17)"."""
    verb = TIMELINE_KINDS.get(e.kind, e.kind)
    what = f" `{e.obj}`" if e.obj and e.kind not in ("start", "end") else ""
    if e.kind == "crash":
        what = f" {e.obj}"
    if not what and e.kind in ("join", "joined") and e.other:
        what = f" {e.other}"
    by = ""
    if e.kind == "wait" and e.other:
        by = f", held by {e.other}"
    elif e.kind == "stale-write" and e.other:
        by = f": {e.other}'s write is lost"
    elif e.kind in STARTS and e.other:
        by = f" (started by {e.other})"
    at = f" (line {e.line})" if e.line else ""
    return f"{e.thread} {verb}{what}{at}{by}"


def _colours(timeline: Timeline) -> dict[int, str]:
    refs: list[int] = []
    for e in timeline.events:
        if e.ref and e.ref not in refs and e.kind not in STARTS | {"join", "joined"}:
            refs.append(e.ref)
    for _, _, ref in timeline.holding:
        if ref not in refs:
            refs.append(ref)
    return {ref: PALETTE[i % len(PALETTE)] for i, ref in enumerate(refs)}


def _step(n: int) -> float:
    """Pixels between two events: wide for a few, narrower for many."""
    low, high, room = STEPS
    return max(low, min(high, room / max(n, 1)))


def svg(timeline: Timeline, verdict: str = "") -> str:
    """The timeline as an inline SVG element."""
    events, lanes = timeline.events, list(timeline.lanes)
    n = len(events)
    lane_y = {name: TOP + LANE_H * (k + 0.5) for k, name in enumerate(lanes)}
    step = _step(n)

    def _x(i: float) -> float:
        return LABEL_W + step * (i + 0.5)

    width = max(LABEL_W + step * (n + 1) + RIGHT, LABEL_W + LEGEND_W)
    legend_y = TOP + LANE_H * len(lanes) + 18
    height = legend_y + 30
    colours = _colours(timeline)
    verdict_x = _x(n)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
           f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
           f'style="max-width:100%;height:auto;font-family:sans-serif;font-size:11px">',
           "<title>Timeline: what each thread did, oldest left, up to the verdict</title>",
           '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
           '<line x1="0" y1="0" x2="0" y2="6" stroke="#555" stroke-width="2.5"/></pattern>'
           '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
           'fill="#333"/></marker></defs>']
    note = "one step per event, oldest left"
    if timeline.folded:
        note = f"… {timeline.folded} earlier events folded · " + note
    if timeline.more_lanes:
        note += f" · {timeline.more_lanes} more thread(s) not shown"
    out.append(f'<text x="{LABEL_W}" y="14" fill="#666">{escape(note)}</text>')
    # lanes: a name and a line for the thread's life
    for name in lanes:
        y = lane_y[name]
        mine = [i for i, e in enumerate(events) if e.thread == name]
        begin = next((i for i in mine if events[i].kind in STARTS), None)
        finish = next((i for i in mine if events[i].kind in ENDS), None)
        if finish is None:
            finish = next((i for i, e in enumerate(events)
                           if e.kind == "joined" and e.other == name), None)
        x0 = _x(begin) if begin is not None else LABEL_W
        x1 = _x(finish) if finish is not None else verdict_x
        out.append(f'<g class="lane" data-lane="{escape(name)}">'
                   f'<text x="6" y="{y + 4:.1f}" font-weight="bold"><title>{escape(name)}</title>'
                   f'{escape(_short(name))}</text>'
                   f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" '
                   f'stroke="#bbb" stroke-width="2"/></g>')
    # holds and waits
    levels: dict[str, list[tuple[int, int]]] = {}
    for bar in sorted(bars(timeline), key=lambda b: (b.wait, b.start)):
        if bar.lane not in lane_y:
            continue
        y = lane_y[bar.lane]
        x0 = LABEL_W if bar.start < 0 else _x(bar.start)
        x1 = _x(bar.stop) if bar.stop < n else verdict_x
        x1 = max(x1, x0 + 4)
        colour = colours.get(bar.ref, "#888")
        at = f", line {bar.line}" if bar.line else ""
        if bar.wait:
            verb = "waits for" if bar.other else "waits on"
            label = f"waits for {bar.name or bar.other}" if bar.name or bar.other else "waits"
            tip = f"{bar.lane} {verb} {bar.name or bar.other}{at}" + (
                f" (held by {bar.other})" if bar.other else "")
            out.append(f'<g class="wait"><title>{escape(tip)}</title>'
                       f'<rect x="{x0:.1f}" y="{y - 6:.1f}" width="{x1 - x0:.1f}" height="12" '
                       f'fill="url(#hatch)" stroke="{colour}" stroke-width="1.5"/>'
                       f'<text x="{x0 + 2:.1f}" y="{y + 18:.1f}" fill="#333">'
                       f'{escape(label + (f" (l.{bar.line})" if bar.line else ""))}</text>')
            if bar.other in lane_y and bar.other != bar.lane:
                ty = lane_y[bar.other]
                ty += -9 if ty > y else 9
                out.append(f'<line x1="{x0 + 3:.1f}" y1="{y + (7 if ty > y else -7):.1f}" '
                           f'x2="{x0 + 3:.1f}" y2="{ty:.1f}" stroke="#333" stroke-width="1.2" '
                           f'marker-end="url(#arrow)"/>')
            out.append("</g>")
            continue
        used = levels.setdefault(bar.lane, [])
        level = sum(1 for a, b in used if a < bar.stop and bar.start < b)
        used.append((bar.start, bar.stop))
        top = y - 8 - 9 * (level + 1)
        tip = f"{bar.lane} holds {bar.name} (taken{at})"
        out.append(f'<g class="hold"><title>{escape(tip)}</title>'
                   f'<rect x="{x0:.1f}" y="{top:.1f}" width="{x1 - x0:.1f}" height="8" '
                   f'rx="2" fill="{colour}"/>'
                   f'<text x="{x0 + 2:.1f}" y="{top - 2:.1f}" fill="{colour}">'
                   f'{escape(bar.name)}</text></g>')
    # point events
    race_points = []
    for i, e in enumerate(events):
        if e.thread not in lane_y:
            continue
        x, y = _x(i), lane_y[e.thread]
        tip = f"{describe(e)} · {e.file} · t = {e.t:.4f} s"
        mark = _mark(e, x, y)
        if e.kind in RACE:
            race_points.append((x, y))
        out.append(f'<g class="event" data-kind="{e.kind}"><title>{escape(tip)}</title>'
                   f'{mark}</g>')
    if len(race_points) > 1:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in race_points)
        out.append(f'<polyline class="race" points="{points}" fill="none" stroke="{RED}" '
                   f'stroke-width="1.5" stroke-dasharray="4 3"/>')
    # the verdict
    bottom = TOP + LANE_H * len(lanes)
    out.append(f'<line x1="{verdict_x:.1f}" y1="{TOP - 8}" x2="{verdict_x:.1f}" y2="{bottom}" '
               f'stroke="{RED}" stroke-width="1.5" stroke-dasharray="5 3"/>'
               f'<text x="{verdict_x + 4:.1f}" y="{TOP - 2}" fill="{RED}" font-weight="bold">'
               f'{escape(verdict or "verdict")}</text>')
    out.append(_legend(legend_y))
    out.append("</svg>")
    return "".join(out)


def _mark(e: TimelineEvent, x: float, y: float) -> str:
    line = f"l.{e.line}" if e.line else ""
    if e.kind in RACE:
        letter = {"read": "R", "write": "W", "stale-write": "W!"}[e.kind]
        return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{RED}"/>'
                f'<text class="mark" x="{x:.1f}" y="{y + 3:.1f}" fill="#fff" font-size="8" '
                f'text-anchor="middle">{letter}</text>'
                f'<text x="{x:.1f}" y="{y - 10 if e.kind == "read" else y + 17:.1f}" '
                f'fill="{RED}" text-anchor="middle">{escape(RACE_WORDS[e.kind])} '
                f'{escape(e.obj)} {line}</text>')
    if e.kind in STARTS:
        return (f'<path d="M{x - 4:.1f},{y - 6:.1f} L{x + 5:.1f},{y:.1f} L{x - 4:.1f},'
                f'{y + 6:.1f} z" fill="#333"/>')
    if e.kind == "crash":
        return (f'<path d="M{x - 6:.1f},{y - 6:.1f} L{x + 6:.1f},{y + 6:.1f} M{x + 6:.1f},'
                f'{y - 6:.1f} L{x - 6:.1f},{y + 6:.1f}" stroke="{RED}" stroke-width="3"/>'
                f'<text x="{x + 8:.1f}" y="{y + 16:.1f}" fill="{RED}">dies: '
                f'{escape(e.obj)} {line}</text>')
    if e.kind == "end":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#333"/>'
    if e.kind in ("take", "release"):
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#333"/>'
    if e.kind in WAITS:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#fff" stroke="#333"/>'
    symbol = {"notify": "!", "put": "+", "get": "−", "joined": "✓"}.get(e.kind, "•")
    return (f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-weight="bold">'
            f'{escape(symbol)}</text>')


def _legend(y: float) -> str:
    x = LABEL_W
    parts = [f'<g class="legend" transform="translate({x},{y:.0f})">',
             f'<rect x="0" y="-8" width="22" height="8" rx="2" fill="{PALETTE[0]}"/>'
             '<text x="26" y="0">holds a lock</text>',
             '<rect x="110" y="-10" width="22" height="12" fill="url(#hatch)" stroke="#333"/>'
             '<text x="136" y="0">waits (arrow: for whom)</text>',
             '<path d="M290,-10 L299,-4 L290,2 z" fill="#333"/><text x="304" y="0">starts</text>',
             '<rect x="350" y="-8" width="8" height="8" fill="#333"/><text x="362" y="0">ends'
             '</text>',
             f'<circle cx="410" cy="-4" r="6" fill="{RED}"/><text x="420" y="0">racing read (R) '
             'and writes (W)</text>',
             f'<line x1="590" y1="-12" x2="590" y2="4" stroke="{RED}" stroke-dasharray="5 3"/>'
             '<text x="596" y="0">verdict</text>',
             "</g>"]
    return "".join(parts)


TEXT_MARKS = {"start": "s", "process-start": "P", "end": "e", "crash": "X", "take": "T",
              "release": "R", "wait": "w", "cond-wait": "w", "get-wait": "w", "join": "w",
              "joined": "j", "notify": "n", "put": "p", "get": "g", "read": "r", "write": "W",
              "stale-write": "!"}

TEXT_KEY = {"start": "starts", "process-start": "starts a process", "end": "ends",
            "crash": "dies", "take": "takes", "release": "releases", "wait": "waits",
            "cond-wait": "waits", "get-wait": "waits", "join": "waits", "joined": "joined",
            "notify": "notifies", "put": "puts", "get": "gets", "read": "reads",
            "write": "writes", "stale-write": "writes a stale copy"}


def text(timeline: Timeline, verdict: str = "") -> str:
    """The timeline as a few lines of text lanes, with the key moments in words."""
    events, lanes = timeline.events, list(timeline.lanes)
    holding: dict[str, int] = {}
    for thread, _, _ in timeline.holding:
        holding[thread] = holding.get(thread, 0) + 1
    waiting: set[str] = set()
    alive = {name: not any(e.thread == name and e.kind in STARTS for e in events)
             for name in lanes}
    rows = {name: [] for name in lanes}
    for e in events:
        for name in lanes:
            if e.thread == name:
                rows[name].append(TEXT_MARKS.get(e.kind, "?"))
                waiting.discard(name)
                if e.kind == "take":
                    holding[name] = holding.get(name, 0) + 1
                elif e.kind == "release":
                    holding[name] = max(0, holding.get(name, 0) - 1)
                elif e.kind in WAITS:
                    waiting.add(name)
                alive[name] = e.kind not in ENDS
                if e.kind in STARTS:
                    alive[name] = True
            else:
                rows[name].append("~" if name in waiting else "=" if holding.get(name)
                                  else "." if alive[name] else " ")
    width = max(len(name) for name in lanes) + 2
    lines = [f"Timeline up to the {verdict or 'verdict'} (|), one column per event:"]
    if timeline.folded:
        lines.append(f"  ({timeline.folded} earlier events folded)")
    for name in lanes:
        tail = "~" if name in waiting else "=" if holding.get(name) else ""
        lines.append(f"  {name:<{width}}{''.join(rows[name])}|{tail}")
    if timeline.more_lanes:
        lines.append(f"  ({timeline.more_lanes} more thread(s) not shown)")
    used = sorted({f"{TEXT_MARKS[e.kind]} {TEXT_KEY[e.kind]}" for e in events
                   if e.kind in TEXT_MARKS}, key=str.lower)
    lines += textwrap.wrap("key: " + ", ".join(used) + "; = holds a lock, ~ waits", 76,
                           initial_indent="  ", subsequent_indent="       ")
    lines += [f"  {describe(e)}" for e in key_events(timeline)]
    return "\n".join(lines)


def key_events(timeline: Timeline) -> list[TimelineEvent]:
    """The moments that explain the verdict: the race's read and writes, a
    death, and each lane's wait still going at the verdict."""
    events = timeline.events
    chosen = [e for e in events if e.kind in RACE or e.kind == "crash"]
    last: dict[str, TimelineEvent] = {}
    for e in events:
        last[e.thread] = e
    chosen += [e for e in last.values() if e.kind in WAITS]
    order = {id(e): i for i, e in enumerate(events)}
    return sorted(chosen, key=lambda e: order[id(e)])[:6]
