"""The timeline's drawing, from a Timeline alone: lanes, holds, waits with an
arrow to the holder, the race's marks, folding, escaping, and the text lanes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from grader.model import Status
from grader.reports import timeline as drawing
from grader.runner.protocol import Diagnosis, Timeline, TimelineEvent

SVG = "{http://www.w3.org/2000/svg}"


def ev(t, thread, kind, obj="", ref=0, line=0, other=""):
    return TimelineEvent(t, thread, kind, obj, ref, line, "bank.py" if line else "", other)


ABBA = Timeline(lanes=("MainThread", "Thread-1", "Thread-2"), events=(
    ev(0.0, "Thread-1", "start", "t1", 1, 20, "MainThread"),
    ev(0.1, "Thread-2", "start", "t2", 2, 20, "MainThread"),
    ev(0.2, "Thread-1", "take", "a.lock", 3, 14),
    ev(0.3, "Thread-2", "take", "b.lock", 4, 14),
    ev(0.4, "Thread-1", "wait", "b.lock", 4, 15, "Thread-2"),
    ev(0.5, "Thread-2", "wait", "a.lock", 3, 15, "Thread-1"),
    ev(0.6, "MainThread", "join", "t1", 1, 22, "Thread-1"),
), end=2.6)


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_a_deadlock_shows_lanes_holds_and_waits_with_arrows():
    root = parsed(drawing.svg(ABBA, "deadlock"))
    lanes = [g.get("data-lane") for g in root.iter(f"{SVG}g") if g.get("class") == "lane"]
    assert lanes == ["MainThread", "Thread-1", "Thread-2"]
    holds = [g for g in root.iter(f"{SVG}g") if g.get("class") == "hold"]
    waits = [g for g in root.iter(f"{SVG}g") if g.get("class") == "wait"]
    assert sorted(g.find(f"{SVG}text").text for g in holds) == ["a.lock", "b.lock"]
    assert len(waits) == 3  # two lock waits and the join, all still going at the verdict
    tips = sorted(g.find(f"{SVG}title").text for g in waits)
    assert "Thread-1 waits for b.lock, line 15 (held by Thread-2)" in tips
    assert sum(1 for g in waits if g.find(f"{SVG}line") is not None) == 3  # arrows
    assert "deadlock" in "".join(root.itertext())


def test_a_long_thread_name_is_cut_visibly_and_whole_in_its_tooltip():
    name = "Thread-1 (_worker_that_dies)"
    tl = Timeline(lanes=("MainThread", name), events=(
        ev(0.0, name, "start", "t1", 1, 20, "MainThread"),
        ev(0.1, name, "crash", "ZeroDivisionError", 1, 347)), end=0.5)
    [lane] = [g for g in parsed(drawing.svg(tl, "crash")).iter(f"{SVG}g")
              if g.get("data-lane") == name]
    label = lane.find(f"{SVG}text")
    assert label.find(f"{SVG}title").text == name
    assert "".join(label.itertext()).endswith("Thread-1 (_worker…")


def test_bars_end_where_the_lock_is_released_or_at_the_verdict():
    tl = Timeline(lanes=("T",), events=(ev(0, "T", "take", "x", 1, 3),
                                        ev(1, "T", "release", "x", 1, 4),
                                        ev(2, "T", "take", "y", 2, 5)))
    got = sorted((b.name, b.start, b.stop, b.wait) for b in drawing.bars(tl))
    assert got == [("x", 0, 1, False), ("y", 2, 3, False)]
    held_before = Timeline(lanes=("T",), events=(ev(0, "T", "release", "x", 1, 4),),
                           holding=(("T", "x", 1),), folded=12)
    assert [(b.start, b.stop) for b in drawing.bars(held_before)] == [(-1, 0)]
    assert "12 earlier events folded" in drawing.svg(held_before)


def test_a_lost_update_is_marked_and_joined():
    tl = Timeline(lanes=("w-0", "w-1"), events=(
        ev(0, "w-0", "read", "value", 0, 10), ev(1, "w-1", "write", "value", 0, 10),
        ev(2, "w-0", "stale-write", "value", 0, 10, "w-1")))
    root = parsed(drawing.svg(tl, "race"))
    kinds = [g.get("data-kind") for g in root.iter(f"{SVG}g") if g.get("class") == "event"]
    assert kinds == ["read", "write", "stale-write"]
    race = [p for p in root.iter(f"{SVG}polyline") if p.get("class") == "race"]
    assert len(race) == 1 and len(race[0].get("points").split()) == 3
    text = drawing.text(tl, "race")
    assert "w-0 writes its stale copy of `value` (line 10): w-1's write is lost" in text


def test_student_names_are_escaped_and_test_files_left_out():
    hostile = Timeline(lanes=("<script>x</script>",), events=(
        ev(0, "<script>x</script>", "take", "<b>&lock", 1, 3),
        TimelineEvent(0.5, "<script>x</script>", "take", "secret", 2, 9, "test_x_hidden.py")))
    svg = drawing.svg(hostile)
    parsed(svg)  # well-formed
    assert "<script>" not in svg and "&lt;b&gt;&amp;lock" in svg
    shown = drawing.of(Status.DEADLOCK, Diagnosis(Status.DEADLOCK, "s", timeline=hostile))
    assert [e.obj for e in shown.events] == ["<b>&lock"]
    assert drawing.of(Status.FAILED, Diagnosis(Status.DEADLOCK, "s", timeline=hostile)) is None


def test_forty_events_on_four_threads_stay_readable():
    threads = [f"worker-{i}" for i in range(4)]
    events = []
    for i in range(40):
        kind = ("take", "release")[i // 4 % 2]
        events.append(ev(i / 100, threads[i % 4], kind, f"lock{i % 4}", i % 4 + 1, 10 + i % 4))
    tl = Timeline(lanes=tuple(threads), events=tuple(events), folded=300)
    root = parsed(drawing.svg(tl, "stall"))
    width, height = float(root.get("width")), float(root.get("height"))
    assert width <= 1100 and height <= 320, (width, height)
    lines = drawing.text(tl, "stall").splitlines()
    assert len(lines) <= 12 and all(len(line) <= 80 for line in lines), lines
    assert "300 earlier events folded" in lines[1]


def test_the_text_lanes_show_holds_and_waits():
    text = drawing.text(ABBA, "deadlock").splitlines()
    rows = {line.split()[0]: line for line in text[1:4]}
    text = [line.strip() for line in text]
    assert rows["Thread-1"].endswith(" s.T=w~~|~")  # started, took a.lock, waits still
    assert rows["Thread-2"].endswith("  s.T=w~|~")
    assert "Thread-1 waits for `b.lock` (line 15), held by Thread-2" in text
